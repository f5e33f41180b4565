/* fuzz_calendar.c - feeds arbitrary bytes to calendar_parse_year as 2026.txt,
 * then does working-day arithmetic on whatever parsed. Linked with
 * replay.c it replays a corpus as a plain test; with -fsanitize=fuzzer it
 * fuzzes (scripts/fuzz). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/calendar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Invariants that must hold for any calendar, checked with abort() so that
 * libFuzzer and the replay main both report them. */
static void check_add(const struct calendar *cal, int32_t from, int n)
{
	int32_t to = calendar_add_workdays(cal, from, n);
	if (n <= 0) {
		if (to < from || !calendar_is_workday(cal, to))
			__builtin_trap();
		return;
	}
	if (to <= from || !calendar_is_workday(cal, to))
		__builtin_trap();
	/* One more working day lands strictly later, on a working day. */
	int32_t next = calendar_add_workdays(cal, to, 1);
	if (next <= to || next != calendar_add_workdays(cal, from, n + 1))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct calendar *cal = calendar_new();
	if (cal == NULL)
		return 0;

	enum fq_err e = calendar_parse_year(cal, 2026, (const char *)data, size, err, sizeof(err));
	if (e == FQ_OK) {
		int32_t jan1, dec31;
		if (date_from_ymd(2026, 1, 1, &jan1) != FQ_OK ||
		    date_from_ymd(2026, 12, 31, &dec31) != FQ_OK || !calendar_has_year(cal, 2026) ||
		    calendar_source(cal, 2026) == NULL || strlen(calendar_source(cal, 2026)) > 200)
			__builtin_trap();
		/* Starting points and counts taken from the input itself, so the
		 * fuzzer can steer them, plus the edges of the year. */
		int32_t starts[] = {jan1 - 1, jan1, dec31 - 3, dec31};
		for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
			for (int n = 0; n <= 3; n++)
				check_add(cal, starts[i], n);
		for (size_t i = 0; i + 2 <= size && i < 16; i += 2) {
			int32_t from = jan1 - 7 + (int32_t)(data[i] * 2 % 380);
			check_add(cal, from, data[i + 1] % 200);
		}
		check_add(cal, jan1 - 10, 300);
		check_add(cal, jan1, 100000);
	} else if (e != FQ_EINVAL || strncmp(err, "2026.txt", 8) != 0) {
		__builtin_trap();
	}

	/* The same bytes as a date string, and a round trip when it is one. */
	char s[11];
	size_t n = size < 10 ? size : 10;
	memcpy(s, data, n);
	s[n] = '\0';
	int32_t day;
	if (date_parse(s, &day) == FQ_OK) {
		char back[11];
		date_format(day, back);
		if (strcmp(back, s) != 0)
			__builtin_trap();
	}

	calendar_free(cal);
	return 0;
}
