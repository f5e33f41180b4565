/* grid_event.h - the store's calls for grid events (网格事件) and the four
 * platforms (四平台, issue 15): the sub-table struct store_grid_event_ops,
 * filled once for both engines in store/grid_event_query.c, and its typed
 * wrappers store_grid_event_<verb>(c, ...). Tables: schema/{sqlite,pg}/
 * 019_grid_event.sql.
 *
 * Scope: an event is seen by its reporter, by the staff of its grid
 * (grid_staff), and by staff whose case-viewing role covers its village
 * (the township command room, the platforms, the county). Every read that
 * returns events takes the caller and filters in the query; who NULL is
 * the system (the writer's own checks). */
#ifndef FQ_STORE_GRID_EVENT_H
#define FQ_STORE_GRID_EVENT_H

#include "store/store.h"

#define STORE_GRID_EVENT_PAGE_MAX 200

/* A new event, borrowed by the insert. */
struct store_grid_event_rec {
	int64_t grid_id; /* 0: none */
	const char *region, *category, *kind, *title, *description;
	int has_point;
	double lat, lon;
	int64_t reporter;
	const char *platform, *department; /* NULL until dispatched */
	const char *status;
	int64_t deadline; /* 0: none */
	int64_t case_id;  /* 0: none */
	int64_t created_at;
};

/* One step of an event's timeline, borrowed. */
struct store_grid_event_step {
	int64_t event_id;
	const char *action, *actor, *from_status, *to_status, *platform, *note;
	int64_t at;
};

/* The list's filters; NULL or 0 means any. */
struct store_grid_event_filter {
	const char *status, *platform, *kind, *category;
	int64_t grid_id;
	int64_t reporter;
	int64_t before_id; /* page: ids below this */
	int limit;         /* 1..STORE_GRID_EVENT_PAGE_MAX */
};

/* A new photo of an event (its bytes as a case's attachment's). */
struct store_grid_event_photo {
	int64_t event_id;
	const char *name, *mime, *sha256, *added_by;
	const unsigned char *data, *thumb;
	size_t len, thumb_len;
	uint32_t width, height;
	int64_t created_at;
};

/* A category as configured, borrowed. */
struct store_grid_event_category {
	const char *code, *name_zh, *name_en, *kind, *platform;
	int64_t position;
	int active;
};

struct store_grid_event_ops {
	/* The configured categories [{code, name_zh, name_en, kind, platform}]
	 * (active ones, in order), and one of them by code (FQ_ENOTFOUND). */
	enum fq_err (*categories)(struct store_conn *c, json_t **items);
	enum fq_err (*category)(struct store_conn *c, const char *code, json_t **row);
	/* The configured working days of a platform (FQ_ENOTFOUND). */
	enum fq_err (*platform_days)(struct store_conn *c, const char *platform, int *days);
	/* A grid's {id, region, code} (unscoped: the writer checks the place). */
	enum fq_err (*grid)(struct store_conn *c, int64_t grid_id, json_t **row);
	/* 1 in *serves when user_id serves grid_id as a grid worker (head,
	 * full-time or part-time): an instructor (网格指导员, a township
	 * cadre) guides the grid and does not check its events. */
	enum fq_err (*serves)(struct store_conn *c, int64_t user_id, int64_t grid_id, int *serves);

	enum fq_err (*insert)(struct store_conn *c, const struct store_grid_event_rec *r,
			      int64_t *id);
	/* Sets status, platform, department, deadline, closed_at and
	 * updated_at (NULL strings and 0 times store NULL). */
	enum fq_err (*update)(struct store_conn *c, int64_t id, const char *status,
			      const char *platform, const char *department, int64_t deadline,
			      int64_t closed_at, int64_t now);
	enum fq_err (*step_add)(struct store_conn *c, const struct store_grid_event_step *s);
	/* How many steps event id has (unscoped, for the cap). */
	enum fq_err (*step_count)(struct store_conn *c, int64_t id, int64_t *n);

	/* One event with its grid's code and name and its reporter's
	 * username, FQ_ENOTFOUND outside who's scope. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t id,
			   json_t **row);
	/* The steps of an event the caller may see, oldest first. */
	enum fq_err (*steps)(struct store_conn *c, const struct caller *who, int64_t id,
			     json_t **items);
	/* A page of the events who may see, newest first. */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who,
			    const struct store_grid_event_filter *f, json_t **items);
	/* Figures of the events who may see under region (NULL: all),
	 * created in [from, to) (0: open):
	 * {by_grid: [{grid_id, code, name, reported, closed, on_time}],
	 *  by_platform: [{platform, reported, closed, on_time}],
	 *  reported, closed, on_time, to_case}. */
	enum fq_err (*stats)(struct store_conn *c, const struct caller *who, const char *region,
			     int64_t from, int64_t to, json_t **out);

	/* Photos: stored once per SHA-256 in attachment_files. */
	enum fq_err (*photo_insert)(struct store_conn *c, const struct store_grid_event_photo *p,
				    int64_t *id);
	enum fq_err (*photo_count)(struct store_conn *c, int64_t event_id, int64_t *n);
	enum fq_err (*photos)(struct store_conn *c, const struct caller *who, int64_t event_id,
			      json_t **items);
	/* A photo's row and bytes (thumb: the thumbnail's) in a new buffer. */
	enum fq_err (*photo_read)(struct store_conn *c, const struct caller *who, int64_t event_id,
				  int64_t id, int thumb, json_t **meta, unsigned char **bytes,
				  size_t *len);

	/* Configuration (an admin's, checked by the caller): a category
	 * added or changed by code, and a platform's working days
	 * (FQ_ENOTFOUND for no such platform). */
	enum fq_err (*category_put)(struct store_conn *c,
				    const struct store_grid_event_category *k);
	enum fq_err (*platform_days_set)(struct store_conn *c, const char *platform, int days);
};

/* Both engines' table (grid_event_query.c, over store/run.h). */
extern const struct store_grid_event_ops shared_grid_event_ops;

#define GE_OPS(c) (STORE_OPS(c)->grid_event)
#define GE_CALL(c, fn, ...) (GE_OPS(c) ? GE_OPS(c)->fn(c, __VA_ARGS__) : FQ_EINTERNAL)

static inline enum fq_err store_grid_event_categories(struct store_conn *c, json_t **items)
{
	return GE_CALL(c, categories, items);
}
static inline enum fq_err store_grid_event_category(struct store_conn *c, const char *code,
						    json_t **row)
{
	return GE_CALL(c, category, code, row);
}
static inline enum fq_err store_grid_event_platform_days(struct store_conn *c, const char *platform,
							 int *days)
{
	return GE_CALL(c, platform_days, platform, days);
}
static inline enum fq_err store_grid_event_grid(struct store_conn *c, int64_t grid_id, json_t **row)
{
	return GE_CALL(c, grid, grid_id, row);
}
static inline enum fq_err store_grid_event_serves(struct store_conn *c, int64_t user_id,
						  int64_t grid_id, int *serves)
{
	return GE_CALL(c, serves, user_id, grid_id, serves);
}
static inline enum fq_err store_grid_event_insert(struct store_conn *c,
						  const struct store_grid_event_rec *r, int64_t *id)
{
	return GE_CALL(c, insert, r, id);
}
static inline enum fq_err store_grid_event_update(struct store_conn *c, int64_t id,
						  const char *status, const char *platform,
						  const char *department, int64_t deadline,
						  int64_t closed_at, int64_t now)
{
	return GE_CALL(c, update, id, status, platform, department, deadline, closed_at, now);
}
static inline enum fq_err store_grid_event_step_add(struct store_conn *c,
						    const struct store_grid_event_step *s)
{
	return GE_CALL(c, step_add, s);
}
static inline enum fq_err store_grid_event_step_count(struct store_conn *c, int64_t id, int64_t *n)
{
	return GE_CALL(c, step_count, id, n);
}
static inline enum fq_err store_grid_event_get(struct store_conn *c, const struct caller *who,
					       int64_t id, json_t **row)
{
	return GE_CALL(c, get, who, id, row);
}
static inline enum fq_err store_grid_event_steps(struct store_conn *c, const struct caller *who,
						 int64_t id, json_t **items)
{
	return GE_CALL(c, steps, who, id, items);
}
static inline enum fq_err store_grid_event_list(struct store_conn *c, const struct caller *who,
						const struct store_grid_event_filter *f,
						json_t **items)
{
	return GE_CALL(c, list, who, f, items);
}
static inline enum fq_err store_grid_event_stats(struct store_conn *c, const struct caller *who,
						 const char *region, int64_t from, int64_t to,
						 json_t **out)
{
	return GE_CALL(c, stats, who, region, from, to, out);
}
static inline enum fq_err store_grid_event_photo_insert(struct store_conn *c,
							const struct store_grid_event_photo *p,
							int64_t *id)
{
	return GE_CALL(c, photo_insert, p, id);
}
static inline enum fq_err store_grid_event_photo_count(struct store_conn *c, int64_t event_id,
						       int64_t *n)
{
	return GE_CALL(c, photo_count, event_id, n);
}
static inline enum fq_err store_grid_event_photos(struct store_conn *c, const struct caller *who,
						  int64_t event_id, json_t **items)
{
	return GE_CALL(c, photos, who, event_id, items);
}
static inline enum fq_err store_grid_event_photo_read(struct store_conn *c,
						      const struct caller *who, int64_t event_id,
						      int64_t id, int thumb, json_t **meta,
						      unsigned char **bytes, size_t *len)
{
	return GE_CALL(c, photo_read, who, event_id, id, thumb, meta, bytes, len);
}

static inline enum fq_err store_grid_event_category_put(struct store_conn *c,
							const struct store_grid_event_category *k)
{
	return GE_CALL(c, category_put, k);
}
static inline enum fq_err store_grid_event_platform_days_set(struct store_conn *c,
							     const char *platform, int days)
{
	return GE_CALL(c, platform_days_set, platform, days);
}

#endif
