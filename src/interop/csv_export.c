/* csv_export.c - GET /api/cases.csv: the case list as CSV, streamed in
 * slices of rows, one event-loop turn each, so a large export neither
 * holds a worker nor builds the whole answer in memory. The filter is the
 * case list's (api_case_filter). Two forms: the machine form (codes, UTC
 * ISO 8601 times, usernames), which csv_import reads back, and with
 * format=readable (or lang=zh-CN) a form for people: Chinese headers and
 * labels, Beijing time and display names, named 案件_<region>_<date>.csv.
 * The readable labels are here, not in the web catalogues, because the
 * file is a document the server writes (as the printed notices are). */
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
#include "util/calendar.h"
#include "domain/case/category.h"
#include "store/case.h"
#include "store/region.h"
#include "store/user.h"

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
	int readable;  /* format=readable: the columns of readable_cols */
	json_t *names; /* username -> display name, at most EXPORT_NAMES_MAX */
};

#define EXPORT_NAMES_MAX 1024 /* display names remembered by one export */

/* The readable form: a header and the rendered key each column comes from. */
static const struct {
	const char *head, *key;
} readable_cols[] = {
	{"案件编号", "tracking_code"},
	{"标题", "title"},
	{"纠纷类别", "category"},
	{"来源渠道", "channel"},
	{"类型", "track"},
	{"所在村（社区）", "region_name"},
	{"状态", "status"},
	{"当前层级", "level"},
	{"承办单位", "unit_region_name"},
	{"承办人", "handler"},
	{"登记时间（北京时间）", "created_at"},
	{"办理期限（北京时间）", "due_at"},
	{"是否超期", "overdue"},
	{NULL, NULL},
};

static const struct {
	const char *code, *zh;
} readable_labels[] = {
	{"walk_in", "来访"},         {"hotline", "热线"},        {"web", "网上"},
	{"grid_patrol", "网格巡查"}, {"open311", "Open311"},     {"petition", "信访"},
	{"referral", "转办"},        {"dispute", "矛盾纠纷"},    {"registered", "已登记"},
	{"accepted", "已受理"},      {"rejected", "不予受理"},   {"assigned", "已交办"},
	{"mediating", "调解中"},     {"suspended", "已中止"},    {"resolved", "已化解"},
	{"referred", "已移交"},      {"followed_up", "已回访"},  {"closed", "已结案"},
	{"reopened", "重新办理"},    {"under_review", "复查中"}, {NULL, NULL},
};

static const char *readable_label(const char *key, const char *code)
{
	if (!code)
		return NULL;
	if (strcmp(key, "category") == 0) {
		int i = category_parse(code);
		return i >= 0 ? category_table[i].name_zh : code;
	}
	for (int i = 0; readable_labels[i].code; i++)
		if (strcmp(readable_labels[i].code, code) == 0)
			return readable_labels[i].zh;
	return code;
}

/* An ISO 8601 instant as Beijing time "YYYY-MM-DD HH:MM"; NULL stays NULL. */
static const char *readable_time(const char *iso, char out[20])
{
	int64_t t;
	if (!iso || text_parse_iso8601(iso, &t) != FQ_OK)
		return iso;
	int64_t bj = t + BJ_OFFSET_S;
	int64_t day = bj >= 0 ? bj / 86400 : (bj - 86399) / 86400, sec = bj - day * 86400;
	char d[11];
	date_format((int32_t)day, d);
	snprintf(out, 20, "%s %02d:%02d", d, (int)(sec / 3600), (int)(sec / 60 % 60));
	return out;
}

/* The display name of a username, remembered for the rest of the export;
 * the username itself when the user is not found. */
static const char *display_name(struct export *x, const char *username)
{
	if (!username)
		return NULL;
	json_t *v = json_object_get(x->names, username);
	if (v)
		return json_string_value(v);
	json_t *u = NULL;
	const char *name = username;
	if (store_user_get(x->r->rrc, username, 0, &u) == FQ_OK &&
	    json_is_string(json_object_get(u, "display_name")))
		name = json_string_value(json_object_get(u, "display_name"));
	if (json_object_size(x->names) < EXPORT_NAMES_MAX)
		json_object_set_new(x->names, username, json_string(name));
	json_decref(u);
	v = json_object_get(x->names, username);
	return v ? json_string_value(v) : username; /* past the cap: looked up again next time */
}

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

/* Appends one case in the readable form. */
static void export_row_readable(struct export *x, struct buf *b, const json_t *o)
{
	static const char *const levels[] = {"", "省级", "市级", "县级", "镇级", "村级"};
	for (int k = 0; readable_cols[k].key; k++) {
		const char *key = readable_cols[k].key;
		json_t *v = json_object_get(o, key);
		const char *s = json_string_value(v);
		char tbuf[20];
		if (strcmp(key, "level") == 0) {
			json_int_t l = json_integer_value(v);
			s = l >= 1 && l <= 5 ? levels[l] : NULL;
		} else if (strcmp(key, "overdue") == 0) {
			s = json_is_true(v) ? "是" : "否";
		} else if (strcmp(key, "created_at") == 0 || strcmp(key, "due_at") == 0) {
			s = readable_time(s, tbuf);
		} else if (strcmp(key, "handler") == 0) {
			s = display_name(x, s);
		} else if (strcmp(key, "category") == 0 || strcmp(key, "channel") == 0 ||
			   strcmp(key, "track") == 0 || strcmp(key, "status") == 0) {
			s = readable_label(key, s);
		}
		export_field(b, s, !readable_cols[k + 1].key);
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
	json_decref(x->names);
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
		if (x->readable)
			export_row_readable(x, &row, o);
		else
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

/* 1 when the readable form is asked for: format=readable or lang=zh-CN. */
static int want_readable(struct req *r)
{
	const char *fmt = req_query(r, "format"), *lang = req_query(r, "lang");
	return (fmt && strcmp(fmt, "readable") == 0) || (lang && strcmp(lang, "zh-CN") == 0);
}

/* Content-Disposition of the readable form: 案件_<region>_<Beijing date>.csv
 * in filename* (RFC 5987, UTF-8 percent-encoded), with an ASCII fallback
 * cases_<code>_<date>.csv in filename for old clients. The region is the
 * filter's, or the caller's first viewing region. */
static void readable_disposition(struct req *r, const struct case_filter *f)
{
	char regs[CALLER_MAX_ROLES][REGION_CODE_MAX], code[REGION_CODE_MAX] = "";
	if (f->region)
		snprintf(code, sizeof code, "%s", f->region);
	else if (scope_view_regions(&r->caller, regs) > 0)
		snprintf(code, sizeof code, "%s", regs[0]);
	json_t *reg = NULL;
	const char *name = code;
	if (*code && store_region_get(r->rrc, code, &reg) == FQ_OK &&
	    json_is_string(json_object_get(reg, "name")))
		name = json_string_value(json_object_get(reg, "name"));
	char day[11];
	date_format(date_of_instant_bj(r->now), day);
	char utf8[256], header[1024];
	snprintf(utf8, sizeof utf8, "案件_%s_%s.csv", name, day);
	int n = snprintf(header, sizeof header,
			 "attachment; filename=\"cases_%s_%s.csv\"; filename*=UTF-8''",
			 *code ? code : "all", day);
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)utf8;
	     *p && n > 0 && n < (int)sizeof header - 4; p++) {
		/* RFC 5987 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~" */
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p)) {
			header[n++] = (char)*p;
		} else {
			header[n++] = '%';
			header[n++] = hex[*p >> 4];
			header[n++] = hex[*p & 15];
		}
	}
	if (n > 0 && n < (int)sizeof header)
		header[n] = 0;
	http_set_header(r, "Content-Disposition", header);
	json_decref(reg);
}

static void csv(struct req *r)
{
	struct case_filter f;
	if (!api_case_filter(r, &f))
		return;
	int readable = want_readable(r);
	if (readable)
		readable_disposition(r, &f);
	else
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
	if (readable)
		for (int i = 0; readable_cols[i].head; i++)
			export_field(&row, readable_cols[i].head, !readable_cols[i + 1].head);
	else
		for (int i = 0; export_cols[i]; i++)
			export_field(&row, export_cols[i], !export_cols[i + 1]);
	json_t *names = readable ? json_object() : NULL;
	if ((readable && !names) || !x || !head || row.failed ||
	    evbuffer_add(head, row.data, row.len) != 0) {
		free(x);
		json_decref(names);
		if (head)
			evbuffer_free(head);
		buf_free(&row);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	buf_free(&row);
	x->r = r;
	x->f = f;
	x->readable = readable;
	x->names = names;
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
