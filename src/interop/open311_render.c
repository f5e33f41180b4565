/* open311_render.c - Open311 answers in JSON or XML (by the extension of
 * the path), XML always well-formed whatever a filing holds: characters
 * that XML 1.0 forbids are replaced, never copied. */
#include "interop/open311.h"

#include <stdint.h>
#include <string.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"

int o311_want_xml(struct req *r, int fmt_param)
{
	return strcmp(r->params[fmt_param], "xml") == 0;
}

int o311_fmt_ok(struct req *r, int fmt_param)
{
	const char *f = r->params[fmt_param];
	return strcmp(f, "json") == 0 || strcmp(f, "xml") == 0;
}

int o311_format(struct req *r, int fmt_param, int *xml)
{
	if (!o311_fmt_ok(r, fmt_param)) {
		o311_error(r, 0, 404, "format must be json or xml");
		return 0;
	}
	if (xml)
		*xml = o311_want_xml(r, fmt_param);
	return 1;
}

/* XML 1.0's Char production: what a document may contain at all. */
static int xml_char_ok(uint32_t cp)
{
	return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
	       (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

/* Writes s as XML character data. Characters XML 1.0 does not allow (C0
 * controls other than tab, LF and CR; U+FFFE, U+FFFF; surrogates) and bytes
 * that are not UTF-8 become U+FFFD, so that a filing can never make the
 * document ill-formed. */
static void xml_escape(struct buf *b, const char *s)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n) {
		uint32_t cp = 0;
		size_t len = text_utf8_char((const char *)p, n, &cp);
		if (!len || !xml_char_ok(cp)) {
			buf_add(b, replacement, sizeof replacement - 1);
			len = len ? len : 1;
		} else if (cp == '<') {
			buf_add(b, "&lt;", 4);
		} else if (cp == '>') {
			buf_add(b, "&gt;", 4);
		} else if (cp == '&') {
			buf_add(b, "&amp;", 5);
		} else if (cp == '"') {
			buf_add(b, "&quot;", 6);
		} else if (cp == '\'') {
			buf_add(b, "&apos;", 6);
		} else {
			buf_add(b, p, len);
		}
		p += len;
		n -= len;
	}
}

/* The element name of one item of a list element. */
static const char *item_name(const char *list)
{
	static const struct {
		const char *list, *item;
	} names[] = {
		{"service_requests", "request"},
		{"services", "service"},
		{"attributes", "attribute"},
		{"values", "value"},
		{"errors", "error"},
		{"formats", "format"},
		{"endpoints", "endpoint"},
		{"extended_attributes", "extended_attributes"},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i].list, list) == 0)
			return names[i].item;
	return "item";
}

static void xml_value(struct buf *b, const char *name, json_t *v, int depth)
{
	if (depth > 8)
		return;
	buf_printf(b, "<%s>", name);
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach(v, k, x)
			xml_value(b, k, x, depth + 1);
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			xml_value(b, item_name(name), x, depth + 1);
	} else if (json_is_string(v)) {
		xml_escape(b, json_string_value(v));
	} else if (json_is_integer(v)) {
		buf_printf(b, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		buf_printf(b, "%.7f", json_real_value(v));
	} else if (json_is_boolean(v)) {
		buf_adds(b, json_is_true(v) ? "true" : "false");
	}
	buf_printf(b, "</%s>", name);
}

/* Replies with body (stolen) as JSON, or as XML under root. */
void o311_reply(struct req *r, int xml, int status, const char *root, json_t *body)
{
	if (!xml) {
		reply_json(r, status, body);
		return;
	}
	struct buf b;
	buf_init(&b, O311_XML_MAX);
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>");
	xml_value(&b, root, body, 0);
	json_decref(body);
	if (b.failed) {
		/* never a cut document: the error list is small enough to render */
		buf_free(&b);
		log_error("%s: an Open311 XML answer is over %d bytes or out of memory",
			  r->route_pattern ? r->route_pattern : "open311", O311_XML_MAX);
		if (strcmp(root, "errors") != 0)
			o311_error(r, 1, 500, "the answer could not be rendered");
		else
			reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	reply_text(r, status, "text/xml; charset=utf-8", buf_str(&b), b.len);
	buf_free(&b);
}

void o311_error(struct req *r, int xml, int status, const char *description)
{
	/* the specification's examples give the code as a number */
	json_t *e = json_pack("[{s:i, s:s}]", "code", status, "description", description);
	o311_reply(r, xml, status, "errors", e);
}
