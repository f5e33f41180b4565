/* sqlite/queues_internal.h - the SQLite engine's functions of store/queues.h,
 * for its ops table (kept apart from sqlite_internal.h so issue 13's
 * additions stay in files of their own). */
#ifndef FQ_STORE_SQLITE_QUEUES_INTERNAL_H
#define FQ_STORE_SQLITE_QUEUES_INTERNAL_H

#include "store/store.h"

enum fq_err sqlite_queue_list(struct store_conn *c, const struct caller *who, const char *queue,
			      int whose, int page, int page_size, json_t **items, int64_t *total);
enum fq_err sqlite_queue_counts(struct store_conn *c, const struct caller *who, json_t **out);
enum fq_err sqlite_move_add(struct store_conn *c, int64_t case_id, int64_t at, const char *actor,
			    const char *kind, const char *from_unit, const char *to_unit,
			    const char *reason);
enum fq_err sqlite_move_last(struct store_conn *c, const struct caller *who, int64_t case_id,
			     json_t **out);
enum fq_err sqlite_reminder_add(struct store_conn *c, int64_t case_id, int64_t at,
				const char *actor, const char *reason);
enum fq_err sqlite_reminder_settle(struct store_conn *c, int64_t case_id, int64_t at,
				   const char *actor);
enum fq_err sqlite_reminder_open(struct store_conn *c, const struct caller *who, int64_t case_id,
				 json_t **items);
enum fq_err sqlite_co_mediators_set(struct store_conn *c, int64_t case_id, const json_t *usernames);
enum fq_err sqlite_co_mediators_list(struct store_conn *c, const struct caller *who,
				     int64_t case_id, json_t **items);
enum fq_err sqlite_user_open_load(struct store_conn *c, const struct caller *who,
				  const json_t *usernames, json_t **out);

#endif
