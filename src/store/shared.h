/* shared.h - the members of struct store_ops written once for both engines
 * (store/<module>_query.c, over the runner of store/run.h), which each
 * engine's ops.c names in its table. Only the store's own files include
 * this. */
#ifndef FQ_STORE_SHARED_H
#define FQ_STORE_SHARED_H

#include "store/store.h"

/* queues_query.c */
enum fq_err shared_queue_list(struct store_conn *c, const struct caller *who, const char *queue,
			      int whose, int page, int page_size, json_t **items, int64_t *total);
enum fq_err shared_queue_counts(struct store_conn *c, const struct caller *who, json_t **out);
enum fq_err shared_move_add(struct store_conn *c, int64_t case_id, int64_t at, const char *actor,
			    const char *kind, const char *from_unit, const char *to_unit,
			    const char *reason);
enum fq_err shared_move_last(struct store_conn *c, const struct caller *who, int64_t case_id,
			     json_t **out);
enum fq_err shared_reminder_add(struct store_conn *c, int64_t case_id, int64_t at,
				const char *actor, const char *reason);
enum fq_err shared_reminder_settle(struct store_conn *c, int64_t case_id, int64_t at,
				   const char *actor);
enum fq_err shared_reminder_open(struct store_conn *c, const struct caller *who, int64_t case_id,
				 json_t **items);
enum fq_err shared_co_mediators_set(struct store_conn *c, int64_t case_id, const json_t *usernames);
enum fq_err shared_co_mediators_list(struct store_conn *c, const struct caller *who,
				     int64_t case_id, json_t **items);
enum fq_err shared_user_open_load(struct store_conn *c, const struct caller *who,
				  const json_t *usernames, json_t **out);

/* notify_query.c */
enum fq_err shared_notify_recipients(struct store_conn *c, const char *handler,
				     const char *unit_region, json_t **items);
enum fq_err shared_notify_insert(struct store_conn *c, int64_t user_id, int64_t case_id,
				 const char *kind, const char *actor, const char *note, int64_t due,
				 int64_t now, int64_t *id);
enum fq_err shared_notify_list(struct store_conn *c, const struct caller *who, int unread_only,
			       int64_t before_id, int limit, json_t **items);
enum fq_err shared_notify_unread(struct store_conn *c, const struct caller *who, int64_t *n);
enum fq_err shared_notify_mark_read(struct store_conn *c, const struct caller *who, int64_t id,
				    int64_t now, int64_t *changed);
enum fq_err shared_notify_due_soon(struct store_conn *c, int64_t now, int64_t until, int limit,
				   json_t **items);
enum fq_err shared_notify_due_mark(struct store_conn *c, int64_t case_id, int64_t due);
enum fq_err shared_user_set_phone(struct store_conn *c, int64_t user_id, const char *phone);

/* stats_query.c */
enum fq_err shared_stats_levels(struct store_conn *c, const struct caller *who, const char *region,
				int64_t from, int64_t to, json_t **out);
enum fq_err shared_stats_dashboard(struct store_conn *c, const struct caller *who,
				   const char *region, int64_t from, int64_t to, int64_t now,
				   json_t **out);

/* case_list_query.c */
enum fq_err shared_case_list(struct store_conn *c, const struct caller *who,
			     const struct case_filter *f, json_t **items, int64_t *total);
enum fq_err shared_case_update(struct store_conn *c, int64_t id, json_t *fields);

/* user_query.c */
enum fq_err shared_user_create(struct store_conn *c, const char *username, const char *display,
			       const char *pwhash, int64_t now, int64_t *id);
enum fq_err shared_user_get(struct store_conn *c, const char *username, int64_t id, json_t **out);
enum fq_err shared_user_set_password(struct store_conn *c, int64_t id, const char *pwhash);
enum fq_err shared_role_grant(struct store_conn *c, int64_t user_id, const char *role,
			      const char *region);
enum fq_err shared_role_revoke(struct store_conn *c, int64_t user_id, const char *role,
			       const char *region);
enum fq_err shared_user_list(struct store_conn *c, const struct caller *who, const char *region,
			     const char *role, json_t **items);
enum fq_err shared_user_set_disabled(struct store_conn *c, int64_t id, int disabled);
enum fq_err shared_token_put(struct store_conn *c, const char *hash, int64_t user_id, int64_t now,
			     int64_t expires_at);
enum fq_err shared_token_user(struct store_conn *c, const char *hash, int64_t now,
			      int64_t *user_id);
enum fq_err shared_token_list(struct store_conn *c, int64_t user_id, json_t **items);
enum fq_err shared_token_revoke(struct store_conn *c, int64_t user_id, const char *id);
enum fq_err shared_session_put(struct store_conn *c, const char *hash, int64_t user_id,
			       const char *csrf, int64_t now);
enum fq_err shared_session_get(struct store_conn *c, const char *hash, json_t **out);
enum fq_err shared_session_touch(struct store_conn *c, const char *hash, int64_t now);
enum fq_err shared_session_delete(struct store_conn *c, const char *hash);
enum fq_err shared_session_end_all(struct store_conn *c, int64_t user_id);

/* resident_query.c */
enum fq_err shared_resident_get(struct store_conn *c, int64_t case_id, json_t **out);
enum fq_err shared_resident_pin_set(struct store_conn *c, int64_t case_id, const char *pin_hash);
enum fq_err shared_resident_sms_set(struct store_conn *c, int64_t case_id, const char *sms_hash,
				    int64_t expires);
enum fq_err shared_resident_rate(struct store_conn *c, int64_t case_id, const char *rating,
				 const char *comment, int64_t now);
enum fq_err shared_unit_phone_put(struct store_conn *c, const char *region, const char *phone,
				  const char *actor, int64_t now);
enum fq_err shared_unit_phone_get(struct store_conn *c, const char *region, json_t **out);

/* outbox_query.c */
enum fq_err shared_idem_get(struct store_conn *c, const char *key, int *status, char **body);
enum fq_err shared_idem_put(struct store_conn *c, const char *key, const char *scope, int status,
			    const char *body, int64_t now);
enum fq_err shared_webhook_add(struct store_conn *c, const char *url, const char *events,
			       const char *secret, const char *region, const char *actor,
			       int64_t now, int64_t *id);
enum fq_err shared_webhook_list(struct store_conn *c, json_t **items);
enum fq_err shared_webhook_get(struct store_conn *c, int64_t id, json_t **out);
enum fq_err shared_webhook_delete(struct store_conn *c, int64_t id);
enum fq_err shared_delivery_enqueue(struct store_conn *c, const char *event, const char *payload,
				    const char *case_region, int64_t now, json_t **webhook_ids);
enum fq_err shared_delivery_due(struct store_conn *c, int64_t now, int limit, json_t **items);
enum fq_err shared_delivery_update(struct store_conn *c, int64_t id, const char *state,
				   int attempts, int64_t next_at, int last_status,
				   const char *last_error, int64_t now);
enum fq_err shared_delivery_list(struct store_conn *c, int64_t webhook_id, int limit,
				 json_t **items);

/* timeline_query.c */
enum fq_err shared_timeline_add(struct store_conn *c, int64_t case_id, json_t *e);
enum fq_err shared_timeline_list(struct store_conn *c, int64_t case_id, int internal, int64_t after,
				 int limit, json_t **items);
enum fq_err shared_timeline_count(struct store_conn *c, int64_t case_id, int64_t *total,
				  int64_t *notes);
enum fq_err shared_link_add(struct store_conn *c, int64_t a, int64_t b, const char *kind,
			    int64_t at);
enum fq_err shared_link_list(struct store_conn *c, const struct caller *who, int64_t id,
			     json_t **items);

/* region_query.c */
enum fq_err shared_region_put(struct store_conn *c, const char *code, const char *name, int level,
			      const char *parent);
enum fq_err shared_region_get(struct store_conn *c, const char *code, json_t **out);
enum fq_err shared_region_children(struct store_conn *c, const char *code, json_t **items);
enum fq_err shared_region_search(struct store_conn *c, const char *q, const char *within, int limit,
				 json_t **items);
enum fq_err shared_region_counts(struct store_conn *c, const char *prefix, int64_t counts[6]);
enum fq_err shared_region_nearest(struct store_conn *c, double lat, double lon,
				  char out[REGION_CODE_MAX]);
enum fq_err shared_region_in_text(struct store_conn *c, const char *text, int level,
				  const char *within, int limit, json_t **items);

/* The members of struct store_ops that both engines fill with the
 * functions above, for the end of each engine's table (ops.c). */
/* clang-format off */
#define STORE_SHARED_OPS \
	.region_put = shared_region_put, \
	.region_get = shared_region_get, \
	.region_children = shared_region_children, \
	.region_search = shared_region_search, \
	.region_counts = shared_region_counts, \
	.region_nearest = shared_region_nearest, \
	.region_in_text = shared_region_in_text, \
	.user_create = shared_user_create, \
	.user_get = shared_user_get, \
	.user_set_password = shared_user_set_password, \
	.role_grant = shared_role_grant, \
	.role_revoke = shared_role_revoke, \
	.user_list = shared_user_list, \
	.token_put = shared_token_put, \
	.token_user = shared_token_user, \
	.token_list = shared_token_list, \
	.token_revoke = shared_token_revoke, \
	.user_set_disabled = shared_user_set_disabled, \
	.session_end_all = shared_session_end_all, \
	.session_put = shared_session_put, \
	.session_get = shared_session_get, \
	.session_touch = shared_session_touch, \
	.session_delete = shared_session_delete, \
	.case_update = shared_case_update, \
	.case_list = shared_case_list, \
	.timeline_add = shared_timeline_add, \
	.timeline_list = shared_timeline_list, \
	.timeline_count = shared_timeline_count, \
	.link_add = shared_link_add, \
	.link_list = shared_link_list, \
	.idem_get = shared_idem_get, \
	.idem_put = shared_idem_put, \
	.webhook_add = shared_webhook_add, \
	.webhook_list = shared_webhook_list, \
	.webhook_get = shared_webhook_get, \
	.webhook_delete = shared_webhook_delete, \
	.delivery_enqueue = shared_delivery_enqueue, \
	.delivery_due = shared_delivery_due, \
	.delivery_update = shared_delivery_update, \
	.delivery_list = shared_delivery_list, \
	.stats_levels = shared_stats_levels, \
	.stats_dashboard = shared_stats_dashboard, \
	.resident_get = shared_resident_get, \
	.resident_pin_set = shared_resident_pin_set, \
	.resident_sms_set = shared_resident_sms_set, \
	.resident_rate = shared_resident_rate, \
	.unit_phone_put = shared_unit_phone_put, \
	.unit_phone_get = shared_unit_phone_get, \
	.queue_list = shared_queue_list, \
	.queue_counts = shared_queue_counts, \
	.move_add = shared_move_add, \
	.move_last = shared_move_last, \
	.reminder_add = shared_reminder_add, \
	.reminder_settle = shared_reminder_settle, \
	.reminder_open = shared_reminder_open, \
	.co_mediators_set = shared_co_mediators_set, \
	.co_mediators_list = shared_co_mediators_list, \
	.user_open_load = shared_user_open_load, \
	.notify_recipients = shared_notify_recipients, \
	.notify_insert = shared_notify_insert, \
	.notify_list = shared_notify_list, \
	.notify_unread = shared_notify_unread, \
	.notify_mark_read = shared_notify_mark_read, \
	.notify_due_soon = shared_notify_due_soon, \
	.notify_due_mark = shared_notify_due_mark, \
	.user_set_phone = shared_user_set_phone
/* clang-format on */

#endif
