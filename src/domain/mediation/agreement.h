/* agreement.h - the mediation agreement (调解协议书) as the law shapes it,
 * with no storage, HTTP or clock of its own: its contents (人民调解法
 * art. 29) and their checks, the templates of the common dispute kinds, the
 * canonical text whose SHA-256 a signature is bound to (电子签名法 art. 13),
 * which matters may not be signed electronically (电子签名法 art. 3) or
 * judicially confirmed (最高人民法院关于人民调解协议司法确认程序的若干规定
 * art. 4; the SPC interpretation of the Civil Procedure Law, art. 355), and
 * the clocks of judicial confirmation (人民调解法 art. 33; 民事诉讼法 arts.
 * 85, 205-206). Strings in the structs are borrowed. */
#ifndef FQ_AGREEMENT_H
#define FQ_AGREEMENT_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/calendar.h"
#include "util/err.h"

#define AGREEMENT_PARTIES_MAX 10
#define AGREEMENT_TERMS_MAX 20
#define AGREEMENT_NAME_MAX 64               /* bytes of a party's name */
#define AGREEMENT_ADDRESS_MAX 256           /* bytes of an address or unit */
#define AGREEMENT_FACTS_MAX 4000            /* bytes of the facts, of the liability */
#define AGREEMENT_TERM_TEXT_MAX 500         /* bytes of a term's what or how */
#define AGREEMENT_AMOUNT_MAX 100000000000LL /* fen (cents) of one term: 10^9 yuan */
#define AGREEMENT_AGE_MAX 150
/* The canonical text is bounded by the maxima above; this is its buffer's. */
#define AGREEMENT_TEXT_MAX (64 * 1024)

/* The dispute kinds with a template; AGREEMENT_KIND_OTHER has none. */
enum agreement_kind {
	AGREEMENT_KIND_WAGES,          /* wages: 劳动报酬 */
	AGREEMENT_KIND_NEIGHBOURS,     /* neighbours: 相邻关系 */
	AGREEMENT_KIND_FAMILY_SUPPORT, /* family support: 赡养 / 抚养 */
	AGREEMENT_KIND_LAND,           /* land: 土地承包 */
	AGREEMENT_KIND_TRAFFIC,        /* traffic compensation: 交通事故赔偿 */
	AGREEMENT_KIND_OTHER,
	AGREEMENT_KIND__COUNT
};

/* What an agreement touches, as bits: these decide how it is signed and
 * whether a court may confirm it. Set by the mediator per agreement. */
#define AGREEMENT_MATTER_MARRIAGE 0x01u    /* 婚姻 */
#define AGREEMENT_MATTER_ADOPTION 0x02u    /* 收养 */
#define AGREEMENT_MATTER_INHERITANCE 0x04u /* 继承 */
#define AGREEMENT_MATTER_PARENTAGE 0x08u   /* 亲子关系 (parentage) */
#define AGREEMENT_MATTER_OWNERSHIP 0x10u   /* 物权确权 (ownership of property) */
#define AGREEMENT_MATTER__ALL 0x1fu
#define AGREEMENT_MATTER__COUNT 5

struct agreement_template {
	const char *code;    /* "wages" */
	const char *name_zh; /* 劳动报酬纠纷 */
	const char *title_zh;
	const char *facts_zh;     /* a prompt for the facts, in the template's words */
	const char *liability_zh; /* ... and for each side's liability */
	const char *terms_zh[3];  /* typical terms' "what", NULL-ended */
	const char *how_zh;       /* the usual way of performance */
	unsigned matters;         /* the matters such an agreement usually touches */
};
extern const struct agreement_template agreement_templates[AGREEMENT_KIND__COUNT];

/* The kind named s, or -1. */
int agreement_kind_parse(const char *s);
/* The bit of the matter named s ("marriage", ...), or 0. */
unsigned agreement_matter_parse(const char *s);
/* The name of matter bit i (0..AGREEMENT_MATTER__COUNT-1). */
const char *agreement_matter_name(int i);

/* One party as art. 29 (1) lists them: name, sex, age, address or unit. */
struct agreement_party {
	const char *role; /* "applicant" | "respondent" | "third_party" */
	const char *name;
	const char *sex;     /* "male" | "female" */
	int age;             /* 0 when the party is a unit (org set) */
	const char *address; /* the address, or the unit (单位) for an organisation */
};

/* One term, art. 29 (3): what, how much (fen; -1 when not money), by when
 * (a Beijing day number) and how. */
struct agreement_term {
	const char *what;
	int64_t amount;
	int32_t due;
	const char *how;
};

struct agreement_doc {
	const char *number;    /* the document's number: the verification code */
	const char *committee; /* 枫源村人民调解委员会 */
	const char *mediator;  /* the mediator's name */
	enum agreement_kind kind;
	unsigned matters;
	int oral; /* an oral agreement recorded by the mediator (arts. 28, 30) */
	struct agreement_party parties[AGREEMENT_PARTIES_MAX];
	int nparties;
	const char *facts;     /* art. 29 (2): the facts and what is disputed */
	const char *liability; /* art. 29 (2): each side's liability */
	struct agreement_term terms[AGREEMENT_TERMS_MAX];
	int nterms;
};

/* Checks d against art. 29 and the maxima above: at least two parties, each
 * named with a sex and age (or, for a unit, its address), facts, liability
 * and at least one term with what, how and a due date on or after
 * `today` (a Beijing day; 0 skips that check). FQ_EINVAL with a code
 * ("required", "too_long", "out_of_range", "unknown_value", "invalid_text",
 * "too_many") and the field ("parties[1].name", "terms[0].due") in e. */
enum fq_err agreement_validate(const struct agreement_doc *d, int32_t today, struct fq_error *e);

/* Writes the canonical text of d into out: one field a line, in a fixed
 * order, with "\\", "\n" and "|" escaped, so that two documents have the same
 * text exactly when every field printed on them is the same. Its SHA-256 is
 * the hash signatures are bound to; the verification number is part of it.
 * FQ_ETOOBIG when out's maximum is too small. */
enum fq_err agreement_canonical(const struct agreement_doc *d, struct buf *out);
/* The SHA-256 (hex) of d's canonical text. */
enum fq_err agreement_hash(const struct agreement_doc *d, char out[65]);

/* 电子签名法 art. 3 (1): documents about marriage, adoption, inheritance
 * and other personal relations cannot be signed electronically. 1 when
 * matters allow online signing; 0: print for wet signatures and
 * fingerprints (按指印, 人民调解法 art. 29). */
int agreement_esign_allowed(unsigned matters);

/* Whether a court can confirm an agreement touching matters: 0 with the
 * reason ("status_relation": confirming marriage, parentage or adoption
 * (SPC 2011 rules art. 4 (2)-(4); SPC interpretation art. 355 (3));
 * "ownership": confirming rights in property (art. 355 (5))), 1 and NULL
 * otherwise. */
int agreement_confirmable(unsigned matters, const char **reason);

/* 人民调解法 art. 29: a written agreement takes effect when every party has
 * signed, the mediator has signed and the committee's seal is applied, all
 * on the current text. */
int agreement_effective(int nparties, int parties_signed, int mediator_signed, int sealed);

/* The clocks of judicial confirmation, in Beijing day numbers. Every one
 * counts calendar days (日, not working days) from the day after the event
 * (民事诉讼法 art. 85: the day a period starts is not counted), and a
 * legal period whose last day is a rest day or holiday ends on the next
 * working day (art. 85 (3)) when cal is given:
 * - agreement_apply_due: 30 days from the day the agreement took effect to
 *   apply together (人民调解法 art. 33; 民事诉讼法 art. 205);
 * - agreement_remind_day: day 20 of those 30, when the platform reminds
 *   the parties if nobody applied (a courtesy, not a legal period: not
 *   moved off rest days);
 * - agreement_accept_due: 3 days from filing for the court to decide
 *   whether to accept (SPC 2011 rules art. 4);
 * - agreement_ruling_due: 15 days from acceptance for the ruling, 25 when
 *   extended by 10 with the president's approval (SPC 2011 rules art. 5). */
int32_t agreement_apply_due(const struct calendar *cal, int32_t effective_day);
int32_t agreement_remind_day(int32_t effective_day);
int32_t agreement_accept_due(const struct calendar *cal, int32_t filed_day);
int32_t agreement_ruling_due(const struct calendar *cal, int32_t accepted_day, int extended);

#define AGREEMENT_APPLY_DAYS 30
#define AGREEMENT_REMIND_DAY 20
#define AGREEMENT_ACCEPT_DAYS 3
#define AGREEMENT_RULING_DAYS 15
#define AGREEMENT_RULING_EXTEND_DAYS 10

/* Judicial confirmation's states and the steps between them:
 * none -file-> filed -accept-> accepted -confirm|reject-> confirmed|rejected;
 * filed or accepted -withdraw-> withdrawn (SPC 2011 rules art. 5 (2)). */
enum agreement_court {
	COURT_NONE,
	COURT_FILED,
	COURT_ACCEPTED,
	COURT_CONFIRMED,
	COURT_REJECTED,
	COURT_WITHDRAWN,
	COURT__COUNT
};
int agreement_court_parse(const char *s);
const char *agreement_court_name(enum agreement_court s);
/* The state step leads to from `from` ("file", "accept", "confirm",
 * "reject", "withdraw"), or -1 when it does not apply. */
int agreement_court_step(enum agreement_court from, const char *step);

/* What a party may do when a term is not performed: enforcement by the
 * court when the agreement was judicially confirmed (人民调解法 art. 33
 * (2); 民事诉讼法 art. 206), otherwise a suit on the agreement (人民调解法
 * art. 32). "enforcement" or "litigation". */
const char *agreement_next_step(int confirmed);

/* A name as the public verify page shows it: the first character and one
 * "*" for each other ("张三" -> "张*", "欧阳娜娜" -> "欧***"). out gets at
 * most outlen-1 bytes; a name not UTF-8 gives "*". */
void agreement_mask_name(const char *name, char *out, size_t outlen);

#endif
