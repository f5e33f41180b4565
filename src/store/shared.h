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

#endif
