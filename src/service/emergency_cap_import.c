/* emergency_cap_import.c - CAP 1.2 alerts read from an upstream feed (for
 * example the meteorological warnings): each parsed with libxml2 (no
 * network, no external entities), validated against the OASIS schema
 * (embedded from data/cap/CAP-v1.2.xsd) and by the checks of
 * domain/emergency/cap.h, stored once, shown and linkable to an incident.
 * The feed is read by the clock thread (emergency_jobs_tick) over plain
 * HTTP with timeouts and a size cap; the links of an Atom or RSS feed are
 * followed only on the feed's own host and port. */
#include "service/emergency.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "service/svc.h"
#include "store/audit.h"
#include "util/log.h"
#include "util/text.h"

struct fq_embedded {
	const char *name;
	const char *text;
};
extern const struct fq_embedded cap_xsd[];

#define FEED_LINKS_MAX 20
#define NET_TIMEOUT_MS 5000
#define FEED_BUDGET_S 20 /* seconds of one pass over a feed's links */

/* ---- the schema, parsed once ---- */

static pthread_once_t schema_once = PTHREAD_ONCE_INIT;
static xmlSchemaPtr schema;

static void schema_load(void)
{
	xmlInitParser();
	xmlSchemaParserCtxtPtr p =
		xmlSchemaNewMemParserCtxt(cap_xsd[0].text, (int)strlen(cap_xsd[0].text));
	if (p) {
		schema = xmlSchemaParse(p);
		xmlSchemaFreeParserCtxt(p);
	}
	if (!schema)
		log_error("emergency: the CAP 1.2 schema did not load");
}

struct why {
	char *buf;
	size_t len;
};

static void first_error(void *arg, xmlErrorPtr err)
{
	struct why *w = arg;
	if (w->buf[0] || !err || !err->message)
		return;
	snprintf(w->buf, w->len, "line %d: %s", err->line, err->message);
	size_t n = strlen(w->buf);
	while (n && (w->buf[n - 1] == '\n' || w->buf[n - 1] == ' '))
		w->buf[--n] = 0;
}

static xmlDocPtr parse(const char *xml, size_t len)
{
	pthread_once(&schema_once, schema_load); /* xmlInitParser before any thread parses */
	if (len > EM_FEED_MAX)
		return NULL;
	/* no network, no DTD loading, no entity expansion (XXE) */
	return xmlReadMemory(xml, (int)len, "alert.xml", NULL,
			     XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static int valid_doc(xmlDocPtr doc, char *why, size_t why_len)
{
	pthread_once(&schema_once, schema_load);
	why[0] = 0;
	if (!schema) {
		snprintf(why, why_len, "the CAP schema is not loaded");
		return 0;
	}
	xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(schema);
	if (!v) {
		snprintf(why, why_len, "out of memory");
		return 0;
	}
	struct why w = {why, why_len};
	xmlSchemaSetValidStructuredErrors(v, first_error, &w);
	int rc = xmlSchemaValidateDoc(v, doc);
	xmlSchemaFreeValidCtxt(v);
	if (rc != 0 && !why[0])
		snprintf(why, why_len, "not a valid CAP 1.2 alert");
	return rc == 0;
}

int em_cap_valid(const char *xml, size_t len, char *why, size_t why_len)
{
	xmlDocPtr doc = parse(xml, len);
	if (!doc) {
		snprintf(why, why_len, "not well-formed XML");
		return 0;
	}
	int ok = valid_doc(doc, why, why_len);
	xmlFreeDoc(doc);
	return ok;
}

/* ---- reading an alert ---- */

static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
			return c;
	return NULL;
}

/* The text of n's child name (a new string), or "" (never NULL unless out
 * of memory). */
static char *text(xmlNodePtr n, const char *name)
{
	xmlNodePtr c = child(n, name);
	xmlChar *s = c ? xmlNodeGetContent(c) : NULL;
	char *out = strdup(s ? (const char *)s : "");
	xmlFree(s);
	return out;
}

enum {
	F_IDENTIFIER,
	F_SENDER,
	F_SENT,
	F_MSGTYPE,
	F_REFERENCES,
	F_EVENT,
	F_SEVERITY,
	F_HEADLINE,
	F_DESCRIPTION,
	F_EXPIRES,
	F_AREA,
	F__COUNT
};

/* The checks the schema cannot make (cap.h), on the alert at root. */
static int code_checks(xmlNodePtr root, char *const *f, const char **why)
{
	if (!cap_check_identifier(f[F_IDENTIFIER], why) ||
	    !cap_check_identifier(f[F_SENDER], why) || !cap_check_time(f[F_SENT], why))
		return 0;
	if (f[F_REFERENCES][0] && !cap_check_references(f[F_REFERENCES], why))
		return 0;
	if (strcmp(f[F_MSGTYPE], "Update") == 0 || strcmp(f[F_MSGTYPE], "Cancel") == 0) {
		if (!f[F_REFERENCES][0] && why) {
			*why = "an Update or a Cancel refers to the alert it changes";
			return 0;
		}
	}
	for (xmlNodePtr info = root->children; info; info = info->next) {
		if (info->type != XML_ELEMENT_NODE || strcmp((const char *)info->name, "info"))
			continue;
		for (xmlNodePtr area = info->children; area; area = area->next) {
			if (area->type != XML_ELEMENT_NODE ||
			    strcmp((const char *)area->name, "area"))
				continue;
			for (xmlNodePtr p = area->children; p; p = p->next) {
				if (p->type != XML_ELEMENT_NODE ||
				    strcmp((const char *)p->name, "polygon"))
					continue;
				xmlChar *s = xmlNodeGetContent(p);
				int ok = cap_check_polygon((const char *)s, why);
				xmlFree(s);
				if (!ok)
					return 0;
			}
		}
		for (const char *k = "onset"; k; k = strcmp(k, "onset") == 0 ? "expires" : NULL) {
			xmlNodePtr t = child(info, k);
			if (!t)
				continue;
			xmlChar *s = xmlNodeGetContent(t);
			int ok = cap_check_time((const char *)s, why);
			xmlFree(s);
			if (!ok)
				return 0;
		}
	}
	return 1;
}

enum fq_err em_cap_import(struct em_ctx *x, const char *xml, size_t len, const char *source,
			  int64_t *id)
{
	char why[256];
	xmlDocPtr doc = parse(xml, len);
	if (!doc)
		return fq_fail(x->e, FQ_EINVAL, "import_invalid", NULL, "not well-formed XML");
	if (!valid_doc(doc, why, sizeof why)) {
		xmlFreeDoc(doc);
		return fq_fail(x->e, FQ_EINVAL, "import_invalid", NULL, "CAP 1.2 schema: %s", why);
	}
	/* stored as UTF-8 whatever the upstream's encoding (GB2312 and GBK
	 * feeds exist): libxml2's own serialization of the parsed alert */
	xmlChar *utf8 = NULL;
	int utf8_len = 0;
	xmlDocDumpMemoryEnc(doc, &utf8, &utf8_len, "UTF-8");
	xmlNodePtr root = xmlDocGetRootElement(doc);
	xmlNodePtr info = child(root, "info"), area = child(info, "area");
	static const char *const names[F__COUNT] = {
		"identifier", "sender",   "sent",        "msgType", "references", "event",
		"severity",   "headline", "description", "expires", "areaDesc"};
	char *f[F__COUNT] = {0};
	int oom = 0;
	for (int i = 0; i < F__COUNT; i++) {
		xmlNodePtr from = i <= F_REFERENCES ? root : i == F_AREA ? area : info;
		f[i] = text(from, names[i]);
		oom |= !f[i];
	}
	const char *reason = NULL;
	enum fq_err err = FQ_OK;
	if (oom || !utf8)
		err = fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	else if (!code_checks(root, f, &reason))
		err = fq_fail(x->e, FQ_EINVAL, "import_invalid", NULL, "CAP check: %s", reason);
	xmlFreeDoc(doc);
	if (!err) {
		err = store_emergency_import_find(x->c, f[F_SENDER], f[F_IDENTIFIER], f[F_SENT],
						  id);
		if (err == FQ_ENOTFOUND) {
			json_t *rec = json_pack(
				"{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s%, s:s, s:I}",
				"identifier", f[F_IDENTIFIER], "sender", f[F_SENDER], "sent",
				f[F_SENT], "msg_type", f[F_MSGTYPE], "event", f[F_EVENT],
				"severity", f[F_SEVERITY], "headline", f[F_HEADLINE], "description",
				f[F_DESCRIPTION], "area_desc", f[F_AREA], "xml", (const char *)utf8,
				(size_t)utf8_len, "source", source, "imported_at",
				(json_int_t)x->now);
			if (rec && f[F_EXPIRES][0])
				json_object_set_new(rec, "expires", json_string(f[F_EXPIRES]));
			err = rec ? store_emergency_insert(x->c, EM_T_CAP_IMPORT, rec, id)
				  : FQ_ENOMEM;
			json_decref(rec);
			if (!err) {
				json_t *d =
					json_pack("{s:s, s:s, s:s}", "identifier", f[F_IDENTIFIER],
						  "sender", f[F_SENDER], "source", source);
				err = store_audit_record(x->c, x->now, x->who->username,
							 "emergency.cap_import",
							 "emergency_cap_import", *id, d);
				json_decref(d);
			}
		}
		if (err)
			err = fq_fail(x->e, err == FQ_ENOMEM ? FQ_ENOMEM : FQ_EIO, NULL, NULL,
				      "cannot store the alert");
	}
	for (int i = 0; i < F__COUNT; i++)
		free(f[i]);
	xmlFree(utf8);
	return err;
}

enum fq_err em_import_link(struct em_ctx *x, int64_t id, int64_t incident_id)
{
	json_t *row = NULL, *i = NULL;
	enum fq_err err = store_emergency_row(x->c, EM_T_CAP_IMPORT, id, &row);
	json_decref(row);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such alert");
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot read the alert");
	err = store_emergency_incident_get(x->c, x->who, incident_id, &i);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_EINVAL, "invalid", "incident_id", "no such incident");
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot read the incident");
	int ok = em_can_respond(x->who, json_string_value(json_object_get(i, "region")));
	json_decref(i);
	if (!ok)
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only a cadre over the incident links alerts to it");
	json_t *f = json_pack("{s:I}", "incident_id", (json_int_t)incident_id);
	err = store_emergency_update(x->c, EM_T_CAP_IMPORT, id, f);
	json_decref(f);
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot link the alert");
	json_t *d = json_pack("{s:I}", "incident_id", (json_int_t)incident_id);
	err = store_audit_record(x->c, x->now, x->who->username, "emergency.cap_link",
				 "emergency_cap_import", id, d);
	json_decref(d);
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

/* ---- the feed over HTTP ---- */

struct url {
	char host[256], port[8], path[EM_FEED_URL_MAX];
};

/* Splits "http://host[:port]/path"; 0 when it is not one. */
static int url_parse(const char *s, struct url *u)
{
	if (strncmp(s, "http://", 7) != 0)
		return 0;
	s += 7;
	size_t h = strcspn(s, ":/");
	if (!h || h >= sizeof u->host)
		return 0;
	memcpy(u->host, s, h);
	u->host[h] = 0;
	s += h;
	snprintf(u->port, sizeof u->port, "80");
	if (*s == ':') {
		size_t p = strspn(s + 1, "0123456789");
		if (!p || p >= sizeof u->port)
			return 0;
		memcpy(u->port, s + 1, p);
		u->port[p] = 0;
		s += 1 + p;
	}
	if (*s && *s != '/')
		return 0;
	snprintf(u->path, sizeof u->path, "%s", *s ? s : "/");
	for (const char *p = u->path; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

static int wait_fd(int fd, short ev)
{
	struct pollfd p = {.fd = fd, .events = ev};
	return poll(&p, 1, NET_TIMEOUT_MS) == 1;
}

/* GET u's body into a new buffer (*len bytes, NUL-terminated) on a 200;
 * NULL otherwise. */
static char *http_get(const struct url *u, size_t *len)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
	if (getaddrinfo(u->host, u->port, &hints, &ai) != 0 || !ai)
		return NULL;
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	int ok = fd >= 0;
	if (ok) {
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
		int soerr = 0;
		socklen_t sl = sizeof soerr;
		ok = rc == 0 || (errno == EINPROGRESS && wait_fd(fd, POLLOUT) &&
				 getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && !soerr);
	}
	freeaddrinfo(ai);
	struct buf req, in;
	buf_init(&req, 2048);
	buf_init(&in, EM_FEED_MAX + 16384);
	buf_printf(&req,
		   "GET %s HTTP/1.0\r\nHost: %s:%s\r\nUser-Agent: fengqiao\r\nAccept: "
		   "application/cap+xml, application/atom+xml, application/xml\r\nConnection: "
		   "close\r\n\r\n",
		   u->path, u->host, u->port);
	ok = ok && !req.failed;
	for (size_t off = 0; ok && off < req.len;) {
		ssize_t n = wait_fd(fd, POLLOUT)
				    ? send(fd, req.data + off, req.len - off, MSG_NOSIGNAL)
				    : -1;
		ok = n > 0;
		off += ok ? (size_t)n : 0;
	}
	char chunk[8192];
	while (ok) {
		if (!wait_fd(fd, POLLIN)) {
			ok = 0;
			break;
		}
		ssize_t n = recv(fd, chunk, sizeof chunk, 0);
		if (n == 0)
			break;
		ok = n > 0 && buf_add(&in, chunk, (size_t)n) == FQ_OK;
	}
	if (fd >= 0)
		close(fd);
	buf_free(&req);
	char *body = NULL;
	const char *all = buf_str(&in);
	const char *end = ok ? strstr(all, "\r\n\r\n") : NULL;
	if (end &&
	    (strncmp(all, "HTTP/1.1 200", 12) == 0 || strncmp(all, "HTTP/1.0 200", 12) == 0)) {
		*len = in.len - (size_t)(end + 4 - all);
		body = malloc(*len + 1);
		if (body) {
			memcpy(body, end + 4, *len);
			body[*len] = 0;
		}
	}
	buf_free(&in);
	return body;
}

struct import_job {
	const char *xml, *source;
	size_t len;
	int64_t now, id;
};

static enum fq_err import_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct import_job *k = arg;
	struct caller sys = {0};
	snprintf(sys.username, sizeof sys.username, "system:cap-feed");
	struct em_ctx x = {.c = c, .who = &sys, .now = k->now, .e = e};
	return em_cap_import(&x, k->xml, k->len, k->source, &k->id);
}

static int import_one(const struct svc *s, const char *xml, size_t len, const char *source,
		      int64_t now)
{
	struct import_job k = {.xml = xml, .source = source, .len = len, .now = now};
	struct fq_error e = {0};
	if (writer_run(s->writer, import_run, &k, &e) != FQ_OK) {
		log_warn("emergency: feed alert from %s refused: %s", source, e.message);
		return 0;
	}
	return 1;
}

/* The href of an Atom link or the text of an RSS link at n. */
static char *link_of(xmlNodePtr n)
{
	xmlChar *h = xmlGetProp(n, (const xmlChar *)"href");
	if (!h)
		h = xmlNodeGetContent(n);
	char *s = h ? strdup((const char *)h) : NULL;
	xmlFree(h);
	return s;
}

/* Collects the links of feed elements (entry/link, item/link) under n. */
static int collect_links(xmlNodePtr n, char **links, int nlinks)
{
	for (xmlNodePtr c = n ? n->children : NULL; c && nlinks < FEED_LINKS_MAX; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)c->name;
		if (strcmp(name, "channel") == 0) {
			nlinks = collect_links(c, links, nlinks);
		} else if (strcmp(name, "entry") == 0 || strcmp(name, "item") == 0) {
			xmlNodePtr l = child(c, "link");
			char *s = l ? link_of(l) : NULL;
			if (s)
				links[nlinks++] = s;
		}
	}
	return nlinks;
}

int emergency_feed_poll(const struct svc *s, int64_t now)
{
	const struct em_config *cfg = emergency_config();
	struct url u;
	if (!cfg->feed_url[0] || !url_parse(cfg->feed_url, &u))
		return -1;
	size_t len = 0;
	char *body = http_get(&u, &len);
	if (!body) {
		log_warn("emergency: cannot read the feed %s", cfg->feed_url);
		return -1;
	}
	xmlDocPtr doc = parse(body, len);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	int imported = 0;
	if (root && strcmp((const char *)root->name, "alert") == 0) {
		imported += import_one(s, body, len, cfg->feed_url, now);
	} else if (root) {
		char *links[FEED_LINKS_MAX];
		int n = collect_links(root, links, 0);
		/* the clock thread runs the other jobs too: at most FEED_BUDGET_S
		 * seconds of links a pass, the rest the next time */
		time_t start = time(NULL);
		for (int i = 0; i < n; i++) {
			if (time(NULL) - start > FEED_BUDGET_S) {
				free(links[i]);
				continue;
			}
			struct url lu = u;
			/* only the feed's own host and port: a feed cannot send
			 * the server elsewhere */
			int same = links[i][0] == '/'
					   ? (snprintf(lu.path, sizeof lu.path, "%s", links[i]), 1)
					   : url_parse(links[i], &lu) &&
						     strcmp(lu.host, u.host) == 0 &&
						     strcmp(lu.port, u.port) == 0;
			size_t alen = 0;
			char *alert = same ? http_get(&lu, &alen) : NULL;
			if (alert)
				imported += import_one(s, alert, alen, links[i], now);
			else
				log_warn("emergency: feed link %s not read", links[i]);
			free(alert);
			free(links[i]);
		}
	}
	if (doc)
		xmlFreeDoc(doc);
	free(body);
	return imported;
}

static enum fq_err overdue_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	int64_t *k = arg;
	int n = 0;
	enum fq_err err = em_overdue_scan(c, k[0], &n);
	k[1] = n;
	return err ? fq_fail(e, err, NULL, NULL, "the overdue scan failed") : FQ_OK;
}

void emergency_jobs_tick(const struct svc *s, int64_t now)
{
	static int64_t last; /* the clock thread's alone */
	int64_t k[2] = {now, 0};
	struct fq_error e = {0};
	if (writer_run(s->writer, overdue_run, k, &e) != FQ_OK)
		log_warn("emergency: overdue scan: %s", e.message);
	else if (k[1])
		log_info("emergency: %lld overdue reports alerted", (long long)k[1]);
	const struct em_config *cfg = emergency_config();
	if (!cfg->feed_url[0])
		return;
	int64_t every = (int64_t)cfg->feed_minutes * 60;
	const char *si = getenv("FENGQIAO_SCAN_INTERVAL");
	int64_t v;
	if (si && text_parse_i64(si, 1, 3600, &v) == FQ_OK)
		every = v;
	if (last && now - last < every)
		return;
	last = now;
	emergency_feed_poll(s, now);
}
