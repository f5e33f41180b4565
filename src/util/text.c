/* text.c - string checks and search tokens. Pure functions; no I/O. */
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/calendar.h"

size_t text_utf8_char(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned c = p[0];
	uint32_t v;
	size_t len;
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

int text_valid_utf8(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = text_utf8_char(s + i, len - i, &cp);
		if (!n || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0x7f)
			return 0;
		i += n;
	}
	return 1;
}

size_t text_utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

int text_valid_mobile(const char *s)
{
	if (!s || strlen(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9')
		return 0;
	for (int i = 2; i < 11; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

void text_mask_phone(const char *phone, char *out, size_t outlen)
{
	if (!outlen)
		return;
	if (phone && strlen(phone) == 11)
		snprintf(out, outlen, "%.3s****%.4s", phone, phone + 7);
	else
		snprintf(out, outlen, "****");
}

int text_region_code(const char *s, int *level)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	int lv;
	switch (n) {
	case 2:
		lv = 1;
		break;
	case 4:
		lv = 2;
		break;
	case 6:
		lv = 3;
		break;
	case 9:
		lv = 4;
		break;
	case 12:
		lv = 5;
		break;
	default:
		return 0;
	}
	if (level)
		*level = lv;
	return 1;
}

enum fq_err text_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s)
		return FQ_EINVAL;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return FQ_EINVAL;
	*out = v;
	return FQ_OK;
}

/* A bounded output buffer for the token builders. */
struct tokbuf {
	char *p;
	size_t len, max;
	int full;
};

static void tok_put(struct tokbuf *b, const char *s, size_t n)
{
	if (b->full || b->len + n + 2 > b->max) {
		b->full = 1;
		return;
	}
	if (b->len)
		b->p[b->len++] = ' ';
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static size_t u8len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

/* Walks s and calls tok_put for each token; see text_search_tokens. When
 * `query` is set, a lone trailing character of a run is emitted with '*' so
 * that it matches as a prefix, and bigrams are not followed by the trailing
 * single character (it would be redundant in an AND query). */
static void tokenize(struct tokbuf *b, const char *s, size_t len, int query)
{
	size_t i = 0;
	while (i < len && !b->full) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (isalnum(c)) {
				char w[64];
				size_t n = 0;
				while (i < len && (unsigned char)s[i] < 0x80 &&
				       isalnum((unsigned char)s[i])) {
					if (n < sizeof w - 1)
						w[n++] = (char)tolower((unsigned char)s[i]);
					i++;
				}
				tok_put(b, w, n);
			} else {
				i++;
			}
			continue;
		}
		/* a run of non-ASCII characters; CJK punctuation (U+3000-U+303F,
		 * U+FF00-U+FF0F etc.) breaks runs */
		size_t starts[2048];
		size_t n = 0, runend = i;
		while (i < len && (unsigned char)s[i] >= 0x80) {
			size_t l = u8len((unsigned char)s[i]);
			if (i + l > len)
				break;
			const unsigned char *u = (const unsigned char *)s + i;
			int punct = (l == 3 && u[0] == 0xe3 && u[1] == 0x80) || /* U+3000-303F */
				    (l == 3 && u[0] == 0xef && u[1] == 0xbc &&
				     u[2] <= 0x8f) || /* U+FF00-FF0F */
				    (l == 3 && u[0] == 0xef && u[1] == 0xbc &&
				     (u[2] == 0x9a || u[2] == 0x9b || u[2] == 0x9f)) ||
				    (l == 3 && u[0] == 0xe2 && u[1] == 0x80); /* dashes, quotes */
			if (punct) {
				i += l;
				break;
			}
			if (n < sizeof starts / sizeof starts[0]) {
				starts[n++] = i;
				runend = i + l;
			}
			i += l;
		}
		for (size_t k = 0; k < n; k++) {
			size_t a = starts[k];
			size_t bnd = k + 2 < n ? starts[k + 2] : (k + 1 < n ? runend : 0);
			if (k + 1 < n) {
				tok_put(b, s + a, bnd - a);
			} else if (query) {
				if (n == 1) {
					char t[8];
					size_t l = runend - a;
					if (l > 4)
						l = 4;
					memcpy(t, s + a, l);
					t[l] = '*';
					tok_put(b, t, l + 1);
				}
			} else {
				tok_put(b, s + a, runend - a);
			}
		}
	}
}

char *text_search_tokens(const char *s, size_t len, size_t maxout)
{
	struct tokbuf b = {malloc(maxout + 1), 0, maxout + 1, 0};
	if (!b.p)
		return NULL;
	b.p[0] = 0;
	tokenize(&b, s, len, 0);
	return b.p;
}

char *text_fts_query(const char *q, size_t maxout)
{
	struct tokbuf raw = {malloc(maxout + 1), 0, maxout + 1, 0};
	if (!raw.p)
		return NULL;
	raw.p[0] = 0;
	tokenize(&raw, q, strlen(q), 1);
	if (!raw.len) {
		free(raw.p);
		return NULL;
	}
	/* quote each token: "tok" or "tok" * for prefixes */
	size_t cap = raw.len * 2 + 16;
	char *out = malloc(cap);
	if (!out) {
		free(raw.p);
		return NULL;
	}
	size_t o = 0;
	const char *p = raw.p;
	while (*p) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		int prefix = n && p[n - 1] == '*';
		size_t w = prefix ? n - 1 : n;
		if (o)
			out[o++] = ' ';
		out[o++] = '"';
		memcpy(out + o, p, w);
		o += w;
		out[o++] = '"';
		if (prefix) {
			out[o++] = ' ';
			out[o++] = '*';
		}
		p = e ? e + 1 : p + n;
	}
	out[o] = 0;
	free(raw.p);
	return out;
}

static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

enum fq_err text_parse_iso8601(const char *s, int64_t *out)
{
	int y, mo, d, h = 0, mi = 0, se = 0;
	size_t n = strlen(s);
	if (n < 10 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, &d))
		return FQ_EINVAL;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1970 || y > 2199)
		return FQ_EINVAL;
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap))
		return FQ_EINVAL;
	int64_t off = BJ_OFFSET_S; /* a bare date or local time means Beijing time */
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		if (strlen(p) < 6 || !digits(p + 1, 2, &h) || p[3] != ':' || !digits(p + 4, 2, &mi))
			return FQ_EINVAL;
		p += 6;
		if (*p == ':') {
			if (!digits(p + 1, 2, &se))
				return FQ_EINVAL;
			p += 3;
			if (*p == '.') {
				p++;
				while (*p >= '0' && *p <= '9')
					p++;
			}
		}
		if (h > 23 || mi > 59 || se > 60)
			return FQ_EINVAL;
		if (*p == 'Z') {
			off = 0;
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			if (!digits(p + 1, 2, &oh))
				return FQ_EINVAL;
			const char *q = p + 3;
			if (*q == ':')
				q++;
			if (!digits(q, 2, &om) || oh > 14 || om > 59)
				return FQ_EINVAL;
			off = (p[0] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
			p = q + 2;
		}
	}
	if (*p)
		return FQ_EINVAL;
	*out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se -
	       off;
	return FQ_OK;
}

void text_format_iso8601(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int text_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

void text_mobile_digits(const char *s, char out[16])
{
	char d[32];
	size_t o = 0;
	for (; s && *s && o + 1 < sizeof d; s++)
		if (isdigit((unsigned char)*s))
			d[o++] = *s;
	d[o] = 0;
	const char *p = d;
	if (o == 13 && strncmp(d, "86", 2) == 0)
		p = d + 2;
	out[0] = 0;
	if (strlen(p) == 11)
		memcpy(out, p, 12);
}
