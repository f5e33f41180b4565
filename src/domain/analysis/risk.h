/* risk.h - risk grades of cases (风险研判, issue 16): the signals that make
 * a case's suggested grade, each with its weight and a reason a person can
 * read, summed and cut into red, orange, yellow and green by thresholds.
 * Pure: the facts come from the service (store reads, the working
 * calendar); no SQL, no JSON, no global state. The grade is advice a person
 * confirms or changes (个人信息保护法 art. 24: no decision about a person by
 * automated means alone); see docs/analysis.md "Risk grades". */
#ifndef FQ_DOMAIN_RISK_H
#define FQ_DOMAIN_RISK_H

#include <stddef.h>
#include <stdint.h>

#define RISK_WORDS_MAX 64     /* words of violence or threat in the rules */
#define RISK_WORD_MAX 48      /* bytes of one word, with its NUL */
#define RISK_DETAIL_MAX 160   /* bytes of one reason's detail, with its NUL */
#define RISK_WORDS_SHOWN 5    /* words found named in the reason */
#define RISK_WEIGHT_MAX 1000. /* a weight or threshold in the configuration */

enum risk_grade {
	RISK_GREEN,
	RISK_YELLOW,
	RISK_ORANGE,
	RISK_RED,
	RISK__GRADES
};

/* The signals, in the order their reasons are listed. */
enum risk_signal {
	RISK_SIG_THREAT,           /* words of violence or threat in the text */
	RISK_SIG_REPEAT_PARTIES,   /* a party (by phone) in earlier cases */
	RISK_SIG_FAILED_MEDIATION, /* a mediation ended without agreement */
	RISK_SIG_REOPENED,         /* the dispute came back after being closed */
	RISK_SIG_PEOPLE,           /* people_involved at or over people_min */
	RISK_SIG_GROUP,            /* a group dispute (群体性) */
	RISK_SIG_AMOUNT,           /* amount_in_dispute at or over amount_min */
	RISK_SIG_LAND,             /* land and homestead categories */
	RISK_SIG_DURATION,         /* open for duration_workdays or more */
	RISK_SIG_REPEAT_PETITION,  /* 重复信访 */
	RISK_SIG_LEAPFROG,         /* 越级: a petition above the township, unanswered below */
	RISK__SIGNALS
};

struct risk_rules {
	double weight[RISK__SIGNALS];
	double red, orange, yellow; /* a total at or over: that grade */
	int people_min;             /* people_involved counted from */
	int64_t amount_min;         /* fen (分), as cases.amount_in_dispute */
	int duration_workdays;      /* working days open counted from */
	int nwords;
	char words[RISK_WORDS_MAX][RISK_WORD_MAX];
};

/* What the service read about one case. Strings are borrowed; NULL is "". */
struct risk_facts {
	const char *title, *description, *category;
	int people_involved, group_dispute;
	int64_t amount;        /* fen */
	int earlier_cases;     /* other, earlier cases sharing a party's phone */
	int failed_mediations; /* ended, not with an agreement */
	int reopened;          /* times the case was reopened */
	int workdays_open;     /* working days from registration to now */
	int petition;          /* on the petition track (信访) */
	int earlier_petitions; /* other petitions of the same parties, or linked */
	int leapfrog;          /* held above the township, no answer below */
};

struct risk_reason {
	enum risk_signal signal;
	double weight;
	/* the fact behind it, in no language (the UI words it): the words
	 * found (comma-separated), a count (cases, mediations, reopenings,
	 * people, petitions, working days), yuan, the category; "" for leapfrog */
	char detail[RISK_DETAIL_MAX];
};

struct risk_result {
	double score;
	enum risk_grade grade;
	int nreasons;
	struct risk_reason reasons[RISK__SIGNALS];
};

/* The defaults documented in docs/analysis.md ("Risk grades"). */
void risk_rules_default(struct risk_rules *r);

/* Adds word (UTF-8, 1..RISK_WORD_MAX-1 bytes) to r's list; 0 when it does
 * not fit or is empty. */
int risk_rules_add_word(struct risk_rules *r, const char *word);

/* The signals of f under r into out: every signal that fires gives its
 * weight (a weight of 0 turns it off) and a reason; the score is their sum
 * and the grade the highest threshold it reaches. */
void risk_assess(const struct risk_rules *r, const struct risk_facts *f, struct risk_result *out);

/* The grade of score under r. */
enum risk_grade risk_grade_of(const struct risk_rules *r, double score);

/* "green", "yellow", "orange", "red"; "unknown" out of range. */
const char *risk_grade_name(enum risk_grade g);
/* The grade named s, or -1. */
int risk_grade_parse(const char *s);
/* "threat_words", "repeat_parties", ... (docs/analysis.md). */
const char *risk_signal_name(enum risk_signal s);
/* The signal named s, or -1. */
int risk_signal_parse(const char *s);

/* 1 when category is a land or homestead dispute (housing_land,
 * land_forest, land_acquisition). */
int risk_land_category(const char *category);

#endif
