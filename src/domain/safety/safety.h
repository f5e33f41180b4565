/* safety.h - the rules of production-safety oversight (安全生产, issue 20)
 * that need no storage: the grades of a hazard (事故隐患), the stop a
 * major one needs, the steps of its rectification, its deadline on the
 * working calendar, overdue and escalation, and how long its record is
 * kept. docs/safety.md has the model and the laws.
 *
 *   安全生产法 art. 41: hazards are found, recorded truthfully and removed;
 *     a major hazard (重大事故隐患) goes into the supervising department's
 *     information system, which oversees its removal (督办).
 *   浙江省安全生产条例 art. 15: the record is kept at least three years; a
 *     major hazard needs a remediation plan (治理方案) with its time limit.
 *   浙江省安全生产条例 art. 25: a major hazard that cannot be made safe
 *     stops the work, fully or partly; its removal is verified on site. */
#ifndef FQ_DOMAIN_SAFETY_H
#define FQ_DOMAIN_SAFETY_H

#include <stdint.h>

#include "util/calendar.h"

enum safety_grade {
	SG_GENERAL, /* 一般事故隐患: removed on the spot or by a deadline */
	SG_MAJOR    /* 重大事故隐患: a stop, a remediation plan, a deadline */
};

enum safety_stop {
	STOP_NONE,
	STOP_PARTIAL, /* 局部停产停业 / 停止使用相应设施、设备 */
	STOP_FULL     /* 全部停产停业 */
};

/* A hazard's steps: reported (found, with a provisional deadline from the
 * configuration) -> ordered (the township's rectification order with its
 * deadline, 责令限期整改) -> closed (a re-inspection passed, or removed on
 * the spot when found: general hazards only). */
enum safety_status {
	SS_REPORTED,
	SS_ORDERED,
	SS_CLOSED
};

enum safety_result {
	SR_PASS,
	SR_FAIL,
	SR_NA
};

/* Names and parsers: a parser returns -1 for NULL or an unknown name. */
int safety_grade_parse(const char *s);
const char *safety_grade_name(enum safety_grade g);
int safety_stop_parse(const char *s);
const char *safety_stop_name(enum safety_stop s);
int safety_status_parse(const char *s);
const char *safety_status_name(enum safety_status s);
int safety_result_parse(const char *s);

/* The configuration ("safety" in the server's --config; docs/safety.md). */
struct safety_config {
	int general_workdays;    /* default deadline of a general hazard */
	int major_workdays;      /* default deadline of a major hazard */
	int escalate_after_days; /* calendar days past the deadline before a major
				  * hazard goes to the county (0: at once) */
	int retention_years;     /* records kept at least this long (>= 3) */
};
#define SAFETY_RETENTION_MIN 3 /* 浙江省安全生产条例 art. 15 */
#define SAFETY_WORKDAYS_MAX 120
#define SAFETY_CONFIG_DEFAULT                                                          \
	{                                                                              \
		.general_workdays = 5, .major_workdays = 30, .escalate_after_days = 0, \
		.retention_years = SAFETY_RETENTION_MIN                                \
	}

/* Checks a hazard as recorded: a major hazard needs a stop (partial or
 * full) and cannot be "removed on the spot"; a general one has no stop.
 * Returns NULL when fine, else the name of the field at fault. */
const char *safety_hazard_check(enum safety_grade g, int fixed_on_spot, enum safety_stop stop);

/* The end (23:59:59 Beijing) of the working day `workdays` working days
 * after `at`'s Beijing day. */
int64_t safety_deadline(const struct calendar *cal, int64_t at, int workdays);

/* 1 while a hazard not closed is past its deadline (0: none). */
int safety_overdue(enum safety_status st, int64_t deadline, int64_t now);

/* 1 when an overdue major hazard, not yet escalated, is due to go to the
 * county (安全生产法 art. 41: the county's oversight of major hazards). */
int safety_should_escalate(enum safety_grade g, enum safety_status st, int64_t deadline,
			   int64_t escalated_at, int64_t now, int after_days);

/* The first instant a record closed at `closed_at` may be deleted: the
 * same Beijing date `years` later (29 February -> 28 February), 00:00. */
int64_t safety_keep_until(int64_t closed_at, int years);

/* 1 when a hazard may be deleted at now: closed, and kept its years. */
int safety_may_delete(enum safety_status st, int64_t closed_at, int64_t now, int years);

#endif
