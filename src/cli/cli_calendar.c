/* cli_calendar.c - `fengqiao calendar add DATE N`: working-day arithmetic
 * on the business calendar. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "util/calendar.h"
#include "util/text.h"

int cmd_calendar(int argc, char **argv)
{
	static const char *const valued[] = {"--calendar", "--db", NULL};
	const char *sub = cli_arg(argc, argv, 0, valued);
	if (cli_wants_help(argc, argv) || !sub || strcmp(sub, "add") != 0) {
		printf("usage: fengqiao calendar add DATE N [--calendar DIR]\n\n"
		       "Prints DATE plus N working days on the Chinese business calendar\n"
		       "(public holidays and make-up working days from DIR/YYYY.txt,\n"
		       "default data/calendar). Example: calendar add 2025-09-30 3 -> 2025-10-11\n");
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	const char *ds = cli_arg(argc, argv, 1, valued), *ns = cli_arg(argc, argv, 2, valued);
	int32_t day;
	int64_t n;
	if (!ds || date_parse(ds, &day) != FQ_OK) {
		fprintf(stderr, "fengqiao: DATE must be YYYY-MM-DD\n");
		return 2;
	}
	if (!ns || text_parse_i64(ns, 0, 3650, &n) != FQ_OK) {
		fprintf(stderr, "fengqiao: N must be a whole number from 0 to 3650\n");
		return 2;
	}
	struct calendar *cal = calendar_new();
	char err[256] = "";
	if (!cal ||
	    calendar_load_dir(cal, cli_calendar_dir(argc, argv), err, sizeof err) != FQ_OK) {
		fprintf(stderr, "fengqiao: calendar: %s\n", err);
		calendar_free(cal);
		return 1;
	}
	int32_t out = calendar_add_workdays(cal, day, (int)n);
	int y, m, dd;
	date_to_ymd(out, &y, &m, &dd);
	int y0, m0, d0;
	date_to_ymd(day, &y0, &m0, &d0);
	for (int yr = y0; yr <= y; yr++)
		if (!calendar_has_year(cal, yr))
			fprintf(stderr,
				"warning: no calendar file for %d; Monday to Friday assumed\n", yr);
	char buf[11];
	date_format(out, buf);
	printf("%s\n", buf);
	calendar_free(cal);
	return 0;
}
