/* village_affairs.h - open village affairs (村务公开) and good-deed points
 * (积分制), issue 18, as use cases: the checks of who may do what and of
 * what was sent, then the store's writes and an audit entry, all in the
 * writer's transaction (one job a call, so that two redemptions of the
 * last item or the last points run one after the other). No HTTP.
 *
 * Village staff: an admin, a township cadre (handler), or the village's
 * grid worker or mediator (the people's mediation committee is a committee
 * of the villagers' committee: 浙江省实施《村民委员会组织法》办法 art. 7),
 * with a role whose region covers the village. */
#ifndef FQ_SERVICE_VILLAGE_AFFAIRS_H
#define FQ_SERVICE_VILLAGE_AFFAIRS_H

#include <jansson.h>

#include "domain/access/scope.h"
#include "domain/village/affairs.h"
#include "store/village_affairs.h"

#define VA_LABEL_MAX 100   /* a household's label */
#define VA_REASON_MAX 1000 /* an entry's reason */
#define VA_POINTS_MAX 1000 /* |points| of one rule */
#define VA_STOCK_MAX 100000

struct va_ctx {
	struct store_conn *c;
	const struct caller *who; /* never NULL */
	int64_t now;
	struct fq_error *e;
};

/* 1 when who is village staff (above) at region. */
int va_is_staff(const struct caller *who, const char *region);

/* body {region (a village), title, kind (general|finance|major), anchor?
 * (ISO time; default now)}. */
enum fq_err va_schedule_create(struct va_ctx *x, const json_t *body, int64_t *id);
/* body {region, title, body, schedule_id?}: publishes an item. */
enum fq_err va_item_publish(struct va_ctx *x, const json_t *body, int64_t *id);
/* The reminders' pass (jobs): for each schedule due within
 * AFFAIRS_REMIND_DAYS or overdue, once per due time, an audit entry and
 * reminded_due set; *n how many were reminded. */
enum fq_err va_remind_scan(struct store_conn *c, int64_t now, int *n);
/* The clock's call (app/jobs.c): the reminders' pass at most once every
 * VA_REMIND_TICK_S seconds, in the writer. */
#define VA_REMIND_TICK_S 3600
struct svc;
void va_jobs_tick(const struct svc *s, int64_t now);

/* body {region, name, points (non-zero, |points| <= VA_POINTS_MAX)}. */
enum fq_err va_rule_create(struct va_ctx *x, const json_t *body, int64_t *id);
/* body {region, label, show_commendation?}. */
enum fq_err va_household_create(struct va_ctx *x, const json_t *body, int64_t *id);
/* body {show_commendation}: the household's consent to be shown. */
enum fq_err va_household_consent(struct va_ctx *x, int64_t id, const json_t *body);
/* body {household_id, rule_id, reason}: proposes an entry. */
enum fq_err va_entry_propose(struct va_ctx *x, const json_t *body, int64_t *id);
/* approve (a second person: 403 same_person for the proposer) writes the
 * ledger; reject writes nothing to it. 409 invalid_transition when
 * decided already. */
enum fq_err va_entry_decide(struct va_ctx *x, int64_t id, int approve);
/* body {region, name, cost > 0, stock >= 0}. */
enum fq_err va_shop_create(struct va_ctx *x, const json_t *body, int64_t *id);
/* body {household_id, item_id}: 409 insufficient_points when the balance
 * is below the cost, 409 out_of_stock when none is left. */
enum fq_err va_redeem(struct va_ctx *x, const json_t *body, int64_t *id);

#endif
