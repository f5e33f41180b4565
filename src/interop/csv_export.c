/* csv_export.c - GET /api/cases.csv: the case list as CSV, streamed in
 * slices of rows, one event-loop turn each, so a large export neither
 * holds a worker nor builds the whole answer in memory. The filter is the
 * case list's (api_case_filter). */
#include "interop/interop.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/text.h"
#include "store/case.h"

/* The CSV export streams: at most this many rows and bytes, then a last
 * row starting with EXPORT_TRUNCATED says it was cut (docs/openapi.yaml). */
#define EXPORT_ROWS_MAX 200000
#define EXPORT_BYTES_MAX (64 * 1024 * 1024)
#define EXPORT_TRUNCATED "# TRUNCATED"
#define EXPORT_SLICE_ROWS STORE_LIST_MAX /* rows read in one event-loop turn */
#define EXPORT_BACKLOG_MAX (512 * 1024)  /* bytes queued for the client before it waits */
#define EXPORT_WAIT_MS 10                /* ... for this long, then looks again */
#define EXPORT_ROW_MAX (64 * 1024)       /* bytes of one row; the export stops at a longer one */

/* An export in progress: keyset pages of EXPORT_SLICE_ROWS rows, one per
 * turn of the worker's event loop, each sent as a chunk, so that other
 * requests on the worker are served between slices and at most one slice
 * is held in memory. A slow client makes it wait (EXPORT_BACKLOG_MAX); a
 * client that goes away ends it. Rows changed during a long export are read
 * as they are when their slice is read (there is no snapshot across turns). */
struct export
{
	struct req *r;
	struct case_filter f;
	struct caseflow_env env;
	int64_t rows;
	size_t bytes, max_bytes;
};

static const char *const export_cols[] = {
	"id",         "tracking_code", "title",   "category", "channel",     "track",
	"region",     "region_name",   "status",  "level",    "unit_region", "handler",
	"created_at", "due_at",        "overdue", NULL};

static size_t export_max_bytes(void)
{
	/* tests lower the cap through the environment; it never goes above the maximum */
	const char *v = getenv("FENGQIAO_EXPORT_MAX_BYTES");
	int64_t n;
	if (v && text_parse_i64(v, 1024, EXPORT_BYTES_MAX, &n) == FQ_OK)
		return (size_t)n;
	return EXPORT_BYTES_MAX;
}

static void export_field(struct buf *b, const char *s, int last)
{
	csv_add_field(b, s);
	buf_adds(b, last ? "\r\n" : ",");
}

/* Appends one case as a row; b fails (util/buf.h) past its maximum. */
static void export_row(struct buf *b, const json_t *o)
{
	for (int k = 0; export_cols[k]; k++) {
		json_t *v = json_object_get(o, export_cols[k]);
		char num[32];
		const char *s = NULL;
		if (json_is_string(v)) {
			s = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
			s = num;
		} else if (json_is_boolean(v)) {
			s = json_is_true(v) ? "true" : "false";
		}
		export_field(b, s, !export_cols[k + 1]);
	}
}

/* Ends the export and frees it. why (NULL: complete) becomes a last row
 * "# TRUNCATED","<why>" so that a cut file is never taken for a whole one. */
static void export_finish(struct export *x, const char *why)
{
	if (why && reply_stream_backlog(x->r) != SIZE_MAX) {
		struct buf row;
		buf_init(&row, EXPORT_ROW_MAX);
		export_field(&row, EXPORT_TRUNCATED, 0);
		export_field(&row, why, 1);
		struct evbuffer *b = evbuffer_new();
		if (b && !row.failed && evbuffer_add(b, row.data, row.len) == 0)
			reply_stream_chunk(x->r, b);
		if (b)
			evbuffer_free(b);
		buf_free(&row);
	}
	reply_stream_end(x->r);
	free(x);
}

static void export_turn(evutil_socket_t fd, short what, void *arg);

static void export_schedule(struct export *x, int wait_ms)
{
	struct timeval tv = {0, wait_ms * 1000};
	if (event_base_once(req_event_base(x->r), -1, EV_TIMEOUT, export_turn, x, &tv) != 0)
		export_finish(x, "the server could not go on with the export");
}

/* One slice: the next page after the last id sent. */
static void export_turn(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct export *x = arg;
	struct req *r = x->r;
	size_t backlog = reply_stream_backlog(r);
	if (backlog == SIZE_MAX) {
		export_finish(x, NULL); /* the client went away */
		return;
	}
	if (backlog > EXPORT_BACKLOG_MAX) {
		export_schedule(x, EXPORT_WAIT_MS);
		return;
	}
	json_t *items = NULL;
	if (store_case_list(r->rrc, &r->caller, &x->f, &items, NULL) != FQ_OK) {
		export_finish(x, "the storage could not be read; the export is incomplete");
		return;
	}
	struct evbuffer *slice = evbuffer_new();
	char why[200] = "";
	size_t i, n = json_array_size(items);
	json_t *rec;
	if (!slice) {
		snprintf(why, sizeof why, "out of memory after %lld rows", (long long)x->rows);
		n = 0;
	}
	json_array_foreach(items, i, rec) {
		if (*why)
			break;
		if (x->rows >= EXPORT_ROWS_MAX) {
			snprintf(why, sizeof why,
				 "stopped at the limit of %d rows; narrow the filter for the rest",
				 EXPORT_ROWS_MAX);
			break;
		}
		json_t *o = caseflow_render(&x->env, &r->caller, rec, NULL, 0, r->now, 0);
		struct buf row;
		buf_init(&row, EXPORT_ROW_MAX);
		export_row(&row, o);
		json_decref(o);
		size_t len = row.len;
		if (!row.failed && x->bytes + len > x->max_bytes) {
			snprintf(
				why, sizeof why,
				"stopped after %lld rows at the limit of %zu bytes; narrow the filter for the rest",
				(long long)x->rows, x->max_bytes);
			buf_free(&row);
			break;
		}
		if (row.failed || evbuffer_add(slice, row.data, len) != 0) {
			snprintf(why, sizeof why,
				 "out of memory or a row over %d bytes after %lld rows",
				 EXPORT_ROW_MAX, (long long)x->rows);
			buf_free(&row);
			break;
		}
		buf_free(&row);
		x->bytes += len;
		x->rows++;
		x->f.after_id = json_integer_value(json_object_get(rec, "id"));
	}
	json_decref(items);
	if (slice && evbuffer_get_length(slice))
		reply_stream_chunk(r, slice);
	if (slice)
		evbuffer_free(slice);
	if (*why || n < EXPORT_SLICE_ROWS)
		export_finish(x, *why ? why : NULL);
	else
		export_schedule(x, 0);
}

static void csv(struct req *r)
{
	struct case_filter f;
	if (!api_case_filter(r, &f))
		return;
	http_set_header(r, "Content-Disposition", "attachment; filename=\"cases.csv\"");
	if (r->method == M_HEAD) {
		/* the length is not known before the rows are read: headers only */
		reply_text(r, 200, "text/csv; charset=utf-8", NULL, 0);
		return;
	}
	struct export *x = calloc(1, sizeof *x);
	struct evbuffer *head = evbuffer_new();
	struct buf row;
	buf_init(&row, EXPORT_ROW_MAX);
	buf_adds(&row, "\xEF\xBB\xBF"); /* BOM: Excel then reads UTF-8 */
	for (int i = 0; export_cols[i]; i++)
		export_field(&row, export_cols[i], !export_cols[i + 1]);
	if (!x || !head || row.failed || evbuffer_add(head, row.data, row.len) != 0) {
		free(x);
		if (head)
			evbuffer_free(head);
		buf_free(&row);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	buf_free(&row);
	x->r = r;
	x->f = f;
	x->f.page = 1;
	x->f.page_size = EXPORT_SLICE_ROWS;
	x->f.after_id = -1; /* keyset order from the first id */
	x->env = svc_env(r->svc);
	x->max_bytes = export_max_bytes();
	x->bytes = evbuffer_get_length(head);
	reply_stream_start(r, 200, "text/csv; charset=utf-8");
	reply_stream_chunk(r, head);
	evbuffer_free(head);
	export_schedule(x, 0);
}

void csv_export_routes(void)
{
	http_route(M_GET, "/api/cases.csv", R_AUTH, csv);
}
