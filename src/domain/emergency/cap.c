/* cap.c - CAP 1.2 alerts and the checks the schema cannot make (cap.h). */
#include "domain/emergency/cap.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BEIJING_OFFSET (8 * 3600)

void cap_time_format(int64_t t, char out[CAP_TIME_LEN + 1])
{
	time_t bj = (time_t)(t + BEIJING_OFFSET);
	struct tm tm;
	gmtime_r(&bj, &tm);
	if (!strftime(out, CAP_TIME_LEN + 1, "%Y-%m-%dT%H:%M:%S+08:00", &tm))
		out[0] = 0;
}

const char *cap_severity_of_level(int level)
{
	static const char *const sev[] = {"Extreme", "Severe", "Moderate", "Minor"};
	return level >= 1 && level <= 4 ? sev[level - 1] : "Unknown";
}

int cap_identifier_make(const char *sender, int64_t t, int n, char out[CAP_IDENTIFIER_MAX])
{
	if (!sender || strlen(sender) != CAP_SENDER_CODE_LEN || n < 0 || n > 9)
		return 0;
	for (const char *p = sender; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	time_t bj = (time_t)(t + BEIJING_OFFSET);
	struct tm tm;
	gmtime_r(&bj, &tm);
	char stamp[16];
	if (!strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm))
		return 0;
	snprintf(out, CAP_IDENTIFIER_MAX, "%s_%s_%d", sender, stamp, n);
	return 1;
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return 0;
}

int cap_check_identifier(const char *s, const char **why)
{
	if (!s || !*s)
		return fail(why, "empty identifier");
	if (strlen(s) >= CAP_IDENTIFIER_MAX)
		return fail(why, "identifier too long");
	/* CAP 1.2 3.2.1: no spaces, commas or restricted characters (< &) */
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == ' ' || *p == ',')
			return fail(why, "identifier with a space or a comma");
		if (*p == '<' || *p == '&')
			return fail(why, "identifier with a restricted character");
		if (*p < 0x21 || *p > 0x7e)
			return fail(why, "identifier with a control or non-ASCII character");
	}
	return 1;
}

static int digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int cap_check_time(const char *s, const char **why)
{
	/* YYYY-MM-DDThh:mm:ss+hh:mm, 25 characters (CAP 1.2 3.3.2) */
	if (!s)
		return fail(why, "no time");
	size_t n = strlen(s);
	if (n && s[n - 1] == 'Z')
		return fail(why, "a time in Z: CAP asks for an offset such as +08:00");
	if (n != CAP_TIME_LEN)
		return fail(why, "a time is YYYY-MM-DDThh:mm:ss+hh:mm");
	if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
	    s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) ||
	    s[16] != ':' || !digits(s + 17, 2) || (s[19] != '+' && s[19] != '-') ||
	    !digits(s + 20, 2) || s[22] != ':' || !digits(s + 23, 2))
		return fail(why, "a time is YYYY-MM-DDThh:mm:ss+hh:mm");
	int mon = num(s + 5, 2), day = num(s + 8, 2), h = num(s + 11, 2), mi = num(s + 14, 2),
	    sec = num(s + 17, 2), oh = num(s + 20, 2), om = num(s + 23, 2);
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60 ||
	    oh > 14 || om > 59)
		return fail(why, "a time out of range");
	if (s[19] == '-' && oh == 0 && om == 0)
		return fail(why, "a time in -00:00: CAP asks for the real offset");
	return 1;
}

/* One "lat,lon" at *p (advanced past it): 1 when in range. */
static int point(const char **p, double *lat, double *lon)
{
	char *end;
	*lat = strtod(*p, &end);
	if (end == *p || *end != ',')
		return 0;
	const char *q = end + 1;
	*lon = strtod(q, &end);
	if (end == q)
		return 0;
	*p = end;
	return *lat >= -90 && *lat <= 90 && *lon >= -180 && *lon <= 180;
}

int cap_check_polygon(const char *s, const char **why)
{
	if (!s || !*s)
		return fail(why, "empty polygon");
	double first_lat = 0, first_lon = 0, lat = 0, lon = 0;
	int n = 0;
	const char *p = s;
	for (;;) {
		if (isspace((unsigned char)*p) || *p == '+')
			return fail(why, "a polygon's points are lat,lon separated by one space");
		if (!point(&p, &lat, &lon))
			return fail(why, "a polygon point is lat,lon in range");
		if (n++ == 0) {
			first_lat = lat;
			first_lon = lon;
		}
		if (!*p)
			break;
		if (*p != ' ')
			return fail(why, "a polygon's points are lat,lon separated by one space");
		p++;
	}
	if (n < 4)
		return fail(why, "a polygon has at least four points");
	if (lat != first_lat || lon != first_lon)
		return fail(why, "a polygon is closed: its last point is its first");
	return 1;
}

int cap_check_references(const char *s, const char **why)
{
	if (!s || !*s)
		return fail(why, "empty references");
	if (strlen(s) >= CAP_REFERENCES_MAX)
		return fail(why, "references too long");
	const char *p = s;
	for (;;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char triple[CAP_REFERENCES_MAX];
		memcpy(triple, p, n);
		triple[n] = 0;
		char *c1 = strchr(triple, ',');
		char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		if (!c1 || !c2 || strchr(c2 + 1, ','))
			return fail(why, "a reference is sender,identifier,sent");
		*c1 = 0;
		*c2 = 0;
		if (!cap_check_identifier(triple, why) || !cap_check_identifier(c1 + 1, why) ||
		    !cap_check_time(c2 + 1, why))
			return 0;
		if (!end)
			break;
		p = end + 1;
		if (!*p || *p == ' ')
			return fail(why, "references are separated by one space");
	}
	return 1;
}

int cap_check_alert(const struct cap_alert *a, const char **why)
{
	char t[CAP_TIME_LEN + 1];
	if (!cap_check_identifier(a->identifier, why) || !cap_check_identifier(a->sender, why))
		return 0;
	cap_time_format(a->sent, t);
	if (!cap_check_time(t, why))
		return 0;
	int update = a->msg_type && strcmp(a->msg_type, "Alert") != 0;
	if (update && !cap_check_references(a->references, why))
		return 0;
	if (!update && a->references && *a->references)
		return fail(why, "an Alert refers to nothing");
	if (a->polygon && *a->polygon && !cap_check_polygon(a->polygon, why))
		return 0;
	if (!a->event || !*a->event || !a->area_desc || !*a->area_desc)
		return fail(why, "an alert names its event and its area");
	return 1;
}

void cap_escape(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		switch (*p) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&apos;");
			break;
		default:
			/* XML 1.0 carries no C0 control but tab, newline, return */
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				break;
			buf_add(b, p, 1);
		}
	}
}

/* <name>escaped text</name> when s is set. */
static void element(struct buf *b, const char *indent, const char *name, const char *s)
{
	if (!s || !*s)
		return;
	buf_printf(b, "%s<%s>", indent, name);
	cap_escape(b, s);
	buf_printf(b, "</%s>\n", name);
}

static void time_element(struct buf *b, const char *indent, const char *name, int64_t t)
{
	char s[CAP_TIME_LEN + 1];
	if (!t)
		return;
	cap_time_format(t, s);
	element(b, indent, name, s);
}

enum fq_err cap_write(const struct cap_alert *a, struct buf *b, const char **why)
{
	if (!cap_check_alert(a, why))
		return FQ_EINVAL;
	const char *i1 = "  ", *i2 = "    ", *i3 = "      ";
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		    "<alert xmlns=\"urn:oasis:names:tc:emergency:cap:1.2\">\n");
	element(b, i1, "identifier", a->identifier);
	element(b, i1, "sender", a->sender);
	time_element(b, i1, "sent", a->sent);
	element(b, i1, "status", "Actual");
	element(b, i1, "msgType", a->msg_type ? a->msg_type : "Alert");
	element(b, i1, "scope", "Public");
	element(b, i1, "references", a->references);
	buf_printf(b, "%s<info>\n", i1);
	element(b, i2, "language", "zh-CN");
	element(b, i2, "category", a->category ? a->category : "Other");
	element(b, i2, "event", a->event);
	element(b, i2, "urgency", a->urgency ? a->urgency : "Expected");
	element(b, i2, "severity", a->severity ? a->severity : "Unknown");
	element(b, i2, "certainty", a->certainty ? a->certainty : "Likely");
	time_element(b, i2, "onset", a->onset);
	time_element(b, i2, "expires", a->expires);
	element(b, i2, "senderName", a->sender_name);
	element(b, i2, "headline", a->headline);
	element(b, i2, "description", a->description);
	element(b, i2, "instruction", a->instruction);
	buf_printf(b, "%s<area>\n", i2);
	element(b, i3, "areaDesc", a->area_desc);
	element(b, i3, "polygon", a->polygon);
	if (a->geocode_value && *a->geocode_value) {
		buf_printf(b, "%s<geocode>\n", i3);
		element(b, "        ", "valueName", "GB/T 2260");
		element(b, "        ", "value", a->geocode_value);
		buf_printf(b, "%s</geocode>\n", i3);
	}
	buf_printf(b, "%s</area>\n%s</info>\n</alert>\n", i2, i1);
	if (b->failed)
		return b->len >= b->max ? FQ_ETOOBIG : FQ_ENOMEM;
	return FQ_OK;
}
