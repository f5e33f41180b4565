/* affairs.h - the rules of open village affairs (村务公开, issue 18) that
 * need no storage: what kind of matter a publication schedule is about,
 * how often it must be published, when the next publication falls due,
 * and whether it is due soon or overdue. No SQL, no HTTP, no JSON.
 *
 * 村民委员会组织法 art. 30 (and 浙江省实施《村民委员会组织法》办法 art. 29):
 * "一般事项至少每季度公布一次；集体财务往来较多的，财务收支情况应当每月公布
 * 一次；涉及村民利益的重大事项应当随时公布" - general village affairs at
 * least every quarter, finances every month, major matters at once. */
#ifndef FQ_DOMAIN_VILLAGE_AFFAIRS_H
#define FQ_DOMAIN_VILLAGE_AFFAIRS_H

#include <stdint.h>

#define AFFAIRS_TITLE_MAX 200  /* bytes of a schedule's or item's title */
#define AFFAIRS_BODY_MAX 20000 /* bytes of a published item's text */
/* A major matter is due this many days after it is registered ("随时公布":
 * at once; a few days to put it on the board). */
#define AFFAIRS_MAJOR_DAYS 3
/* Reminders go out this many days before a publication falls due. */
#define AFFAIRS_REMIND_DAYS 7
#define AFFAIRS_BEIJING_OFFSET (8 * 3600)

enum affairs_kind {
	AFFAIRS_GENERAL, /* 村务: at least quarterly */
	AFFAIRS_FINANCE, /* 财务收支: monthly */
	AFFAIRS_MAJOR,   /* 重大事项: at once, one publication */
};

enum affairs_state {
	AFFAIRS_OK,       /* next publication not yet near */
	AFFAIRS_DUE_SOON, /* within AFFAIRS_REMIND_DAYS of its due time */
	AFFAIRS_OVERDUE,  /* past its due time and not published */
	AFFAIRS_DONE,     /* a major matter that has been published */
};

/* The kind named s ("general", "finance", "major"), or -1. */
int affairs_kind_parse(const char *s);
const char *affairs_kind_name(enum affairs_kind k);
const char *affairs_state_name(enum affairs_state s);
/* Months between publications of kind k (3, 1), 0 for a major matter. */
int affairs_period_months(enum affairs_kind k);

/* The UTC second at which the next publication is due: for general and
 * finance, the end (23:59:59 Beijing) of the Beijing day that lies the
 * kind's period after `last` (the latest publication) or, when nothing has
 * been published yet (last 0), after `anchor` (when the schedule starts);
 * a day past the end of the month is clamped (31 Jan + 1 month = 28/29
 * Feb). For a major matter, the end of the Beijing day AFFAIRS_MAJOR_DAYS
 * after anchor, and 0 once published (last != 0: nothing more is due). */
int64_t affairs_next_due(enum affairs_kind k, int64_t anchor, int64_t last);

/* The state at `now` of a publication due at `due` (0: AFFAIRS_DONE). */
enum affairs_state affairs_state_at(int64_t due, int64_t now);

/* The UTC second of the end of the Beijing day that holds t, shifted by
 * months calendar months and days days (days are added after months). */
int64_t affairs_beijing_day_end(int64_t t, int months, int days);

/* ---- proposals (议事) from residents ----
 * A resident's proposal goes on the council's agenda when its supports
 * (one per verified phone) reach the village's threshold: configured, or
 * one tenth of the households rounded up (the measure the Zhejiang measures
 * use for villagers who may call an assembly, art. 20: "十分之一以上的村
 * 民"). The village then answers within PROPOSAL_ANSWER_DAYS days (the
 * Zhejiang measures' 15 days for a written answer, art. 36: "十五日内"). */
#define PROPOSAL_ANSWER_DAYS 15
#define PROPOSAL_TITLE_MAX 200
#define PROPOSAL_BODY_MAX 5000

/* The supports that put a proposal on the agenda: configured when > 0,
 * else ceil(households / 10), at least 1. */
int64_t proposal_threshold(int64_t households, int64_t configured);
/* The end (23:59:59 Beijing) of the Beijing day PROPOSAL_ANSWER_DAYS
 * days after agenda_at. */
int64_t proposal_answer_due(int64_t agenda_at);

#endif
