/* calendar.c - civil dates in Beijing time and the Chinese working calendar
 * (weekends, public holidays, make-up working days) read from YYYY.txt files.
 * Fixed-size storage only: input can never make it grow. The only I/O is
 * calendar_load_dir. */
#include "util/calendar.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/text.h"

#define CAL_NYEARS (CALENDAR_YEAR_MAX - CALENDAR_YEAR_MIN + 1)
#define CAL_DAYBYTES ((366 + 7) / 8)
#define CAL_LINE_MAX 256   /* bytes in one line, without its line ending */
#define CAL_SOURCE_MAX 200 /* bytes of the "# source:" text */

#define DAY_MAX INT32_MAX /* date arithmetic saturates here */

struct cal_year {
	uint8_t off[CAL_DAYBYTES];  /* bit set: a public holiday */
	uint8_t work[CAL_DAYBYTES]; /* bit set: a make-up working day */
	unsigned char loaded;
	char source[CAL_SOURCE_MAX + 1];
};

struct calendar {
	struct cal_year years[CAL_NYEARS];
};

/* ---- civil dates ---------------------------------------------------- */

/* Howard Hinnant's days_from_civil, in 64 bits so that no int year overflows. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
	static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

enum fq_err date_from_ymd(int y, int m, int d, int32_t *day)
{
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
		return FQ_EINVAL;
	int64_t n = days_from_civil(y, m, d);
	if (n < INT32_MIN || n > INT32_MAX)
		return FQ_EINVAL;
	*day = (int32_t)n;
	return FQ_OK;
}

void date_to_ymd(int32_t day, int *y, int *m, int *d)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t dd = doy - (153 * mp + 2) / 5 + 1;
	int64_t mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

int date_weekday(int32_t day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	int64_t w = ((int64_t)day + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

/* Whether s[0..9] has the shape DDDD-DD-DD. Stops at the first mismatch, so
 * a shorter NUL-terminated string is never read past its end. */
static int date_shaped(const char *s, size_t len)
{
	if (len < 10)
		return 0;
	for (size_t i = 0; i < 10; i++) {
		if (i == 4 || i == 7) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] < '0' || s[i] > '9') {
			return 0;
		}
	}
	return 1;
}

static int digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Parses a DDDD-DD-DD token of exactly len bytes. */
static enum fq_err date_parse_n(const char *s, size_t len, int32_t *day)
{
	if (len != 10 || !date_shaped(s, len))
		return FQ_EINVAL;
	return date_from_ymd(digits(s, 4), digits(s + 5, 2), digits(s + 8, 2), day);
}

enum fq_err date_parse(const char *s, int32_t *day)
{
	if (s == NULL || !date_shaped(s, 10) || s[10] != '\0')
		return FQ_EINVAL;
	return date_parse_n(s, 10, day);
}

static void put_digits(char *out, int v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void date_format(int32_t day, char out[11])
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	/* Ten characters hold years 0000 to 9999 only. Anything beyond is a
	 * caller's bug, and a visibly wrong date beats a plausible truncated one. */
	if (y < 0 || y > 9999) {
		static const char unknown[] = "\?\?\?\?-\?\?-\?\?";
		memcpy(out, unknown, sizeof unknown);
		return;
	}
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, m, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = '\0';
}

int32_t date_of_instant_bj(int64_t t)
{
	if (t > INT64_MAX - BJ_OFFSET_S)
		return DAY_MAX;
	int64_t s = t + BJ_OFFSET_S;
	int64_t q = s / 86400;
	if (s % 86400 < 0)
		q--;
	if (q > INT32_MAX)
		return INT32_MAX;
	if (q < INT32_MIN)
		return INT32_MIN;
	return (int32_t)q;
}

int64_t date_end_instant_bj(int32_t day)
{
	return ((int64_t)day + 1) * 86400 - BJ_OFFSET_S - 1;
}

/* ---- the calendar --------------------------------------------------- */

struct calendar *calendar_new(void)
{
	return calloc(1, sizeof(struct calendar));
}

void calendar_free(struct calendar *cal)
{
	free(cal);
}

static const struct cal_year *year_of(const struct calendar *cal, int y)
{
	if (y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX)
		return NULL;
	const struct cal_year *cy = &cal->years[y - CALENDAR_YEAR_MIN];
	return cy->loaded ? cy : NULL;
}

static int bit_get(const uint8_t *bits, int i)
{
	return (bits[i >> 3] >> (i & 7)) & 1;
}

static void bit_set(uint8_t *bits, int i)
{
	bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

/* Day number of 1 January of y (y within the calendar's years). */
static int32_t jan1(int y)
{
	return (int32_t)days_from_civil(y, 1, 1);
}

int calendar_has_year(const struct calendar *cal, int year)
{
	return year_of(cal, year) != NULL;
}

const char *calendar_source(const struct calendar *cal, int year)
{
	const struct cal_year *cy = year_of(cal, year);
	return cy ? cy->source : NULL;
}

int calendar_is_workday(const struct calendar *cal, int32_t day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	const struct cal_year *cy = year_of(cal, y);
	if (cy) {
		int i = (int)(day - jan1(y));
		if (bit_get(cy->work, i))
			return 1;
		if (bit_get(cy->off, i))
			return 0;
	}
	return date_weekday(day) < 5;
}

int32_t calendar_next_workday(const struct calendar *cal, int32_t day)
{
	/* Ends within a few hundred days: past CALENDAR_YEAR_MAX every week has
	 * five working days. */
	while (day < DAY_MAX && !calendar_is_workday(cal, day))
		day++;
	return day;
}

/* Monday-to-Friday days among from..to, both included (0 when to < from). */
static int64_t weekdays_in(int64_t from, int64_t to)
{
	if (to < from)
		return 0;
	int64_t n = to - from + 1, count = n / 7 * 5;
	int w = date_weekday((int32_t)from);
	for (int64_t i = 0; i < n % 7; i++)
		count += (w + i) % 7 < 5;
	return count;
}

int calendar_workdays_between(const struct calendar *cal, int32_t from, int32_t to)
{
	int sign = 1;
	if (to < from) {
		int32_t x = from;
		from = to;
		to = x;
		sign = -1;
	}
	if ((int64_t)to - from > CALENDAR_SPAN_MAX)
		to = from + CALENDAR_SPAN_MAX;
	/* a year at a time: its weekdays by arithmetic, then the few days its
	 * file marks (a holiday on a weekday, a make-up day on a weekend),
	 * found by skipping bytes with no mark. Lists count the days left of
	 * every row, and a row years overdue must not cost a loop per day. */
	int64_t n = 0;
	for (int64_t a = (int64_t)from + 1; a <= to;) {
		int y, m, d;
		date_to_ymd((int32_t)a, &y, &m, &d);
		int64_t last = y < CALENDAR_YEAR_MAX ? (int64_t)jan1(y + 1) - 1 : to;
		int64_t e = to < last ? to : last;
		n += weekdays_in(a, e);
		const struct cal_year *cy = year_of(cal, y);
		if (cy) {
			int32_t base = jan1(y);
			for (int i = (int)(a - base), end = (int)(e - base); i <= end; i++) {
				if ((i & 7) == 0 && !cy->work[i >> 3] && !cy->off[i >> 3]) {
					i += 7;
					continue;
				}
				int weekday = date_weekday(base + i) < 5;
				if (bit_get(cy->work, i))
					n += !weekday;
				else if (bit_get(cy->off, i))
					n -= weekday;
			}
		}
		a = e + 1;
	}
	return sign * (int)n;
}

/* The last day of the run of years without a file that contains `day`, or
 * DAY_MAX when that run never ends. The caller knows day's year has no file. */
static int32_t unloaded_run_end(const struct calendar *cal, int32_t day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	if (y > CALENDAR_YEAR_MAX)
		return DAY_MAX;
	if (y < CALENDAR_YEAR_MIN)
		y = CALENDAR_YEAR_MIN;
	while (y <= CALENDAR_YEAR_MAX && !calendar_has_year(cal, y))
		y++;
	return y > CALENDAR_YEAR_MAX ? DAY_MAX : jan1(y) - 1;
}

/* A negative n counts as 0. Past INT32_MAX there are no day numbers, so the
 * result stops there; no real deadline comes near it. */
int32_t calendar_add_workdays(const struct calendar *cal, int32_t from, int n)
{
	if (n <= 0)
		return calendar_next_workday(cal, from);
	int32_t cur = from;
	while (n > 0 && cur < DAY_MAX) {
		/* In years without a file any seven days in a row hold exactly
		 * five working days, so whole weeks are skipped at once; a large n
		 * then costs time per loaded year, not per day. Leave the last
		 * working day to the step below, so we land on it exactly. */
		int y, m, d;
		date_to_ymd(cur + 1, &y, &m, &d);
		if (n > 5 && !calendar_has_year(cal, y)) {
			int64_t room = ((int64_t)unloaded_run_end(cal, cur + 1) - cur) / 7;
			int64_t weeks = (n - 1) / 5;
			if (weeks > room)
				weeks = room;
			if (weeks > 0) {
				cur = (int32_t)(cur + weeks * 7);
				n -= (int)(weeks * 5);
				continue;
			}
		}
		cur++;
		if (calendar_is_workday(cal, cur))
			n--;
	}
	return cur;
}

/* ---- the file format ------------------------------------------------ */

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Whether a line is valid UTF-8 with no control characters but tab. The
 * source text ends up in logs and in /api/health's JSON, so it must be
 * clean; names are held to the same rule so one file has one rule. */
static int line_clean(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	while (i < len) {
		if ((u[i] < 0x20 && u[i] != '\t') || u[i] == 0x7f)
			return 0;
		uint32_t cp;
		size_t n = text_utf8_char(s + i, len - i, &cp);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* A view of the line being read; tokens are split at spaces and tabs. */
struct cursor {
	const char *p;
	const char *end;
};

static void skip_space(struct cursor *c)
{
	while (c->p < c->end && is_space(*c->p))
		c->p++;
}

/* The next token, or len 0 at the end of the line. */
static const char *next_token(struct cursor *c, size_t *len)
{
	skip_space(c);
	const char *t = c->p;
	while (c->p < c->end && !is_space(*c->p))
		c->p++;
	*len = (size_t)(c->p - t);
	return t;
}

/* Parse state for one year's file: the result plus, for each day, the line
 * that first made it off or work, so a conflict can name both lines. */
struct year_parse {
	struct cal_year cy;
	int year;
	int32_t first; /* day number of 1 January */
	int32_t last;  /* day number of 31 December */
	int lineno;
	int have_source;
	int off_line[366];
	int work_line[366];
	char *err;
	size_t errlen;
};

#define PERR(ps, ...) seterr((ps)->err, (ps)->errlen, "%04d.txt line %d: " __VA_ARGS__)

static const char *wdname(int32_t day)
{
	static const char *const names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
					     "Friday", "Saturday", "Sunday"};
	return names[date_weekday(day)];
}

/* Reads a date token into *day and checks it lies in the file's year. `what`
 * names the expected token in the message. */
static enum fq_err take_date(struct year_parse *ps, const char *t, size_t len, const char *what,
			     int32_t *day)
{
	if (len == 0) {
		PERR(ps, "expected %s (YYYY-MM-DD)", ps->year, ps->lineno, what);
		return FQ_EINVAL;
	}
	if (len != 10 || !date_shaped(t, len)) {
		PERR(ps, "%s is not a date of the form YYYY-MM-DD", ps->year, ps->lineno, what);
		return FQ_EINVAL;
	}
	if (date_parse_n(t, len, day) != FQ_OK) {
		PERR(ps, "no such date %.10s", ps->year, ps->lineno, t);
		return FQ_EINVAL;
	}
	if (*day < ps->first || *day > ps->last) {
		PERR(ps, "%.10s is not in %04d", ps->year, ps->lineno, t, ps->year);
		return FQ_EINVAL;
	}
	return FQ_OK;
}

static enum fq_err parse_off(struct year_parse *ps, struct cursor *c)
{
	size_t len;
	const char *t = next_token(c, &len);
	int32_t from, to;
	enum fq_err e = take_date(ps, t, len, "the first day off", &from);
	if (e != FQ_OK)
		return e;
	/* A second date-shaped token is the end of a range; anything else
	 * starts the free-text name. */
	struct cursor save = *c;
	t = next_token(c, &len);
	if (len == 10 && date_shaped(t, len)) {
		e = take_date(ps, t, len, "the last day off", &to);
		if (e != FQ_OK)
			return e;
		if (to < from) {
			PERR(ps, "range ends before it starts", ps->year, ps->lineno);
			return FQ_EINVAL;
		}
	} else {
		*c = save;
		to = from;
	}
	for (int32_t day = from; day <= to; day++) {
		int i = (int)(day - ps->first);
		if (bit_get(ps->cy.work, i)) {
			char ds[11];
			date_format(day, ds);
			PERR(ps, "%s is off here but a working day on line %d", ps->year,
			     ps->lineno, ds, ps->work_line[i]);
			return FQ_EINVAL;
		}
		if (!bit_get(ps->cy.off, i)) {
			bit_set(ps->cy.off, i);
			ps->off_line[i] = ps->lineno;
		}
	}
	return FQ_OK;
}

static enum fq_err parse_work(struct year_parse *ps, struct cursor *c)
{
	size_t len;
	const char *t = next_token(c, &len);
	int32_t day;
	enum fq_err e = take_date(ps, t, len, "the make-up working day", &day);
	if (e != FQ_OK)
		return e;
	struct cursor save = *c;
	t = next_token(c, &len);
	if (len == 10 && date_shaped(t, len)) {
		PERR(ps, "work takes one date, not a range", ps->year, ps->lineno);
		return FQ_EINVAL;
	}
	*c = save;
	char ds[11];
	date_format(day, ds);
	/* Monday to Friday are working days anyway, so a make-up day on one is
	 * almost surely a typo for a nearby weekend day; say so now rather than
	 * let a wrong date quietly do nothing. */
	if (date_weekday(day) < 5) {
		PERR(ps, "%s is a %s; a make-up working day falls on a Saturday or Sunday",
		     ps->year, ps->lineno, ds, wdname(day));
		return FQ_EINVAL;
	}
	int i = (int)(day - ps->first);
	if (bit_get(ps->cy.off, i)) {
		PERR(ps, "%s is a working day here but off on line %d", ps->year, ps->lineno, ds,
		     ps->off_line[i]);
		return FQ_EINVAL;
	}
	if (!bit_get(ps->cy.work, i)) {
		bit_set(ps->cy.work, i);
		ps->work_line[i] = ps->lineno;
	}
	return FQ_OK;
}

/* "# source: text" on a line of its own records where the dates came from. */
static enum fq_err parse_source(struct year_parse *ps, const char *s, size_t len)
{
	while (len > 0 && is_space(s[len - 1]))
		len--;
	while (len > 0 && is_space(*s)) {
		s++;
		len--;
	}
	if (ps->have_source) {
		PERR(ps, "a second source line; put the whole source on one line", ps->year,
		     ps->lineno);
		return FQ_EINVAL;
	}
	if (len == 0) {
		PERR(ps, "the source line is empty", ps->year, ps->lineno);
		return FQ_EINVAL;
	}
	if (len > CAL_SOURCE_MAX) {
		PERR(ps, "the source is longer than %d bytes", ps->year, ps->lineno,
		     CAL_SOURCE_MAX);
		return FQ_EINVAL;
	}
	memcpy(ps->cy.source, s, len);
	ps->cy.source[len] = '\0';
	ps->have_source = 1;
	return FQ_OK;
}

/* One line without its line ending. */
static enum fq_err parse_line(struct year_parse *ps, const char *s, size_t len)
{
	if (len > CAL_LINE_MAX) {
		PERR(ps, "line longer than %d bytes", ps->year, ps->lineno, CAL_LINE_MAX);
		return FQ_EINVAL;
	}
	if (!line_clean(s, len)) {
		PERR(ps, "not UTF-8 text, or a control character", ps->year, ps->lineno);
		return FQ_EINVAL;
	}
	const char *hash = memchr(s, '#', len);
	struct cursor c = {s, hash ? hash : s + len};
	skip_space(&c);
	if (c.p == c.end) {
		static const char tag[] = "source:";
		if (hash == NULL)
			return FQ_OK;
		struct cursor cm = {hash + 1, s + len};
		skip_space(&cm);
		size_t rest = (size_t)(cm.end - cm.p);
		if (rest >= sizeof(tag) - 1 && memcmp(cm.p, tag, sizeof(tag) - 1) == 0)
			return parse_source(ps, cm.p + sizeof(tag) - 1, rest - (sizeof(tag) - 1));
		return FQ_OK;
	}
	size_t klen;
	const char *kw = next_token(&c, &klen);
	if (klen == strlen("off") && memcmp(kw, "off", klen) == 0)
		return parse_off(ps, &c);
	if (klen == strlen("work") && memcmp(kw, "work", klen) == 0)
		return parse_work(ps, &c);
	PERR(ps, "unknown keyword; a line starts with off, work or #", ps->year, ps->lineno);
	return FQ_EINVAL;
}

enum fq_err calendar_parse_year(struct calendar *cal, int year, const char *text, size_t len,
				char *err, size_t errlen)
{
	if (year < CALENDAR_YEAR_MIN || year > CALENDAR_YEAR_MAX) {
		seterr(err, errlen, "year %d is outside %d..%d", year, CALENDAR_YEAR_MIN,
		       CALENDAR_YEAR_MAX);
		return FQ_EINVAL;
	}
	if (len > CALENDAR_FILE_MAX) {
		seterr(err, errlen, "%04d.txt: larger than %d bytes", year, CALENDAR_FILE_MAX);
		return FQ_EINVAL;
	}
	if (text == NULL && len > 0) {
		seterr(err, errlen, "%04d.txt: no text", year);
		return FQ_EINVAL;
	}
	if (text == NULL)
		text = ""; /* an empty file; NULL + 0 is not valid C */

	/* Parsed aside and copied in only when the whole file is good, so a bad
	 * edit never leaves the calendar half-changed. A few kilobytes of stack,
	 * so that the only failure is bad input. */
	struct year_parse st;
	struct year_parse *ps = &st;
	memset(ps, 0, sizeof(*ps));
	ps->year = year;
	ps->first = jan1(year);
	ps->last = jan1(year + 1) - 1;
	ps->err = err;
	ps->errlen = errlen;

	enum fq_err e = FQ_OK;
	const char *p = text, *end = text + len;
	static const char bom[] = "\xef\xbb\xbf";
	if (len >= sizeof bom - 1 && memcmp(p, bom, sizeof bom - 1) == 0)
		p += sizeof bom - 1; /* a byte order mark, as some Windows editors write */
	while (p < end) {
		ps->lineno++;
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		e = parse_line(ps, p, n);
		if (e != FQ_OK)
			return e;
		p = nl ? nl + 1 : end;
	}

	ps->cy.loaded = 1;
	cal->years[year - CALENDAR_YEAR_MIN] = ps->cy;
	return FQ_OK;
}

/* Whether name is exactly four digits and ".txt"; the year goes in *year. */
static int year_file_name(const char *name, int *year)
{
	if (strlen(name) != 8 || strcmp(name + 4, ".txt") != 0)
		return 0;
	for (int i = 0; i < 4; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	*year = digits(name, 4);
	return 1;
}

/* Reads dir/NNNN.txt into buf (CALENDAR_FILE_MAX + 1 bytes). */
static enum fq_err read_year_file(int dfd, int year, char *buf, size_t *len, char *err,
				  size_t errlen)
{
	char name[16];
	snprintf(name, sizeof(name), "%04d.txt", year);
	enum fq_err e = FQ_OK;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		seterr(err, errlen, "%s: %s", name, strerror(errno));
		return FQ_EIO;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		seterr(err, errlen, "%s: not a regular file", name);
		e = FQ_EINVAL;
		goto out;
	}
	/* Read one byte past the limit, so a file that grew since fstat is
	 * still caught. */
	size_t got = 0;
	while (got <= CALENDAR_FILE_MAX) {
		ssize_t r = read(fd, buf + got, CALENDAR_FILE_MAX + 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			seterr(err, errlen, "%s: %s", name, strerror(errno));
			e = FQ_EIO;
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got > CALENDAR_FILE_MAX) {
		seterr(err, errlen, "%s: larger than %d bytes", name, CALENDAR_FILE_MAX);
		e = FQ_EINVAL;
		goto out;
	}
	*len = got;
out:
	close(fd);
	return e;
}

enum fq_err calendar_load_dir(struct calendar *cal, const char *dir, char *err, size_t errlen)
{
	enum fq_err e = FQ_OK;
	struct calendar *tmp = NULL;
	char *buf = NULL;
	unsigned char want[CAL_NYEARS] = {0};

	DIR *d = opendir(dir);
	if (d == NULL) {
		if (errno == ENOENT)
			return FQ_OK;
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return FQ_EIO;
	}
	/* Gather the years first and load them in order, so "the first bad
	 * file" does not depend on the order readdir happens to use. */
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		int y;
		if (!year_file_name(de->d_name, &y))
			continue;
		if (y < CALENDAR_YEAR_MIN || y > CALENDAR_YEAR_MAX) {
			seterr(err, errlen, "%s: year outside %d..%d", de->d_name,
			       CALENDAR_YEAR_MIN, CALENDAR_YEAR_MAX);
			e = FQ_EINVAL;
			goto out;
		}
		want[y - CALENDAR_YEAR_MIN] = 1;
	}
	if (errno != 0) {
		seterr(err, errlen, "%s: %s", dir, strerror(errno));
		e = FQ_EIO;
		goto out;
	}

	/* All files or none: load aside, then copy the years in. */
	tmp = calendar_new();
	buf = malloc(CALENDAR_FILE_MAX + 1);
	if (tmp == NULL || buf == NULL) {
		e = FQ_ENOMEM;
		goto out;
	}
	for (int i = 0; i < CAL_NYEARS; i++) {
		if (!want[i])
			continue;
		size_t len = 0;
		e = read_year_file(dirfd(d), CALENDAR_YEAR_MIN + i, buf, &len, err, errlen);
		if (e != FQ_OK)
			goto out;
		e = calendar_parse_year(tmp, CALENDAR_YEAR_MIN + i, buf, len, err, errlen);
		if (e != FQ_OK)
			goto out;
	}
	for (int i = 0; i < CAL_NYEARS; i++)
		if (want[i])
			cal->years[i] = tmp->years[i];
out:
	free(buf);
	calendar_free(tmp);
	closedir(d);
	return e;
}
