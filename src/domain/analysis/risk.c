/* risk.c - the signals of a case's risk grade and the grade of their sum.
 * Tables and arithmetic only: the facts are read by service/risk.c. */
#include "domain/analysis/risk.h"

#include <stdio.h>
#include <string.h>

static const char *const grade_names[RISK__GRADES] = {"green", "yellow", "orange", "red"};

static const char *const signal_names[RISK__SIGNALS] = {
	"threat_words", "repeat_parties",  "failed_mediation", "reopened",
	"people",       "group",           "amount",           "land",
	"duration",     "repeat_petition", "leapfrog",
};

/* Advice, not a rule: words people use when a dispute may turn violent
 * (to hit, to lay hands on, holding a knife, to die together, to hack,
 * revenge, to jump from a building, suicide, to blow up, to kill, to burn,
 * to seek revenge, desperate). A configured list replaces it. */
static const char *const default_words[] = {
	"打人", "动手", "持刀", "同归于尽", "砍",   "报复", "跳楼", "自杀",
	"炸",   "杀",   "放火", "烧死",     "拼命", "寻仇", NULL,
};

void risk_rules_default(struct risk_rules *r)
{
	memset(r, 0, sizeof *r);
	r->weight[RISK_SIG_THREAT] = 50;
	r->weight[RISK_SIG_REPEAT_PARTIES] = 15;
	r->weight[RISK_SIG_FAILED_MEDIATION] = 20;
	r->weight[RISK_SIG_REOPENED] = 20;
	r->weight[RISK_SIG_PEOPLE] = 10;
	r->weight[RISK_SIG_GROUP] = 15;
	r->weight[RISK_SIG_AMOUNT] = 10;
	r->weight[RISK_SIG_LAND] = 10;
	r->weight[RISK_SIG_DURATION] = 10;
	r->weight[RISK_SIG_REPEAT_PETITION] = 20;
	r->weight[RISK_SIG_LEAPFROG] = 20;
	r->red = 50;
	r->orange = 30;
	r->yellow = 15;
	r->people_min = 5;
	r->amount_min = 10000000; /* 100,000 yuan */
	r->duration_workdays = 20;
	for (int i = 0; default_words[i]; i++)
		risk_rules_add_word(r, default_words[i]);
}

int risk_rules_add_word(struct risk_rules *r, const char *word)
{
	size_t n = word ? strlen(word) : 0;
	if (n == 0 || n >= RISK_WORD_MAX || r->nwords >= RISK_WORDS_MAX)
		return 0;
	memcpy(r->words[r->nwords], word, n + 1);
	r->nwords++;
	return 1;
}

enum risk_grade risk_grade_of(const struct risk_rules *r, double score)
{
	if (score >= r->red)
		return RISK_RED;
	if (score >= r->orange)
		return RISK_ORANGE;
	if (score >= r->yellow)
		return RISK_YELLOW;
	return RISK_GREEN;
}

static int ascii_lower(int ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch;
}

/* 1 when hay holds needle, ASCII letters compared without case (Chinese
 * has none; an English word list may be given). */
static int contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; hay && *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] &&
		       ascii_lower((unsigned char)hay[i]) == ascii_lower((unsigned char)needle[i]))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Appends s to the reason's detail when it fits whole. */
static void detail_add(struct risk_reason *rs, const char *s)
{
	size_t have = strlen(rs->detail), n = strlen(s);
	if (have + n < sizeof rs->detail)
		memcpy(rs->detail + have, s, n + 1);
}

static struct risk_reason *fire(const struct risk_rules *r, struct risk_result *out,
				enum risk_signal s)
{
	if (r->weight[s] <= 0)
		return NULL;
	struct risk_reason *rs = &out->reasons[out->nreasons++];
	rs->signal = s;
	rs->weight = r->weight[s];
	rs->detail[0] = 0;
	out->score += rs->weight;
	return rs;
}

static void threat(const struct risk_rules *r, const struct risk_facts *f, struct risk_result *out)
{
	int found = 0;
	char words[RISK_DETAIL_MAX] = "";
	for (int i = 0; i < r->nwords; i++) {
		if (!contains(f->title, r->words[i]) && !contains(f->description, r->words[i]))
			continue;
		if (found < RISK_WORDS_SHOWN) {
			size_t have = strlen(words), n = strlen(r->words[i]);
			if (have + n + 2 < sizeof words) {
				if (have)
					words[have++] = ',';
				memcpy(words + have, r->words[i], n + 1);
			}
		}
		found++;
	}
	if (!found)
		return;
	struct risk_reason *rs = fire(r, out, RISK_SIG_THREAT);
	if (rs)
		detail_add(rs, words);
}

void risk_assess(const struct risk_rules *r, const struct risk_facts *f, struct risk_result *out)
{
	memset(out, 0, sizeof *out);
	struct risk_reason *rs;
	char tmp[RISK_DETAIL_MAX];
	threat(r, f, out);
	if (f->earlier_cases > 0 && (rs = fire(r, out, RISK_SIG_REPEAT_PARTIES))) {
		snprintf(tmp, sizeof tmp, "%d", f->earlier_cases);
		detail_add(rs, tmp);
	}
	if (f->failed_mediations > 0 && (rs = fire(r, out, RISK_SIG_FAILED_MEDIATION))) {
		snprintf(tmp, sizeof tmp, "%d", f->failed_mediations);
		detail_add(rs, tmp);
	}
	if (f->reopened > 0 && (rs = fire(r, out, RISK_SIG_REOPENED))) {
		snprintf(tmp, sizeof tmp, "%d", f->reopened);
		detail_add(rs, tmp);
	}
	if (r->people_min > 0 && f->people_involved >= r->people_min &&
	    (rs = fire(r, out, RISK_SIG_PEOPLE))) {
		snprintf(tmp, sizeof tmp, "%d", f->people_involved);
		detail_add(rs, tmp);
	}
	if (f->group_dispute && (rs = fire(r, out, RISK_SIG_GROUP))) {
		snprintf(tmp, sizeof tmp, "%d", f->people_involved);
		detail_add(rs, tmp);
	}
	if (r->amount_min > 0 && f->amount >= r->amount_min &&
	    (rs = fire(r, out, RISK_SIG_AMOUNT))) {
		snprintf(tmp, sizeof tmp, "%lld", (long long)(f->amount / 100));
		detail_add(rs, tmp);
	}
	if (risk_land_category(f->category) && (rs = fire(r, out, RISK_SIG_LAND)))
		detail_add(rs, f->category);
	if (r->duration_workdays > 0 && f->workdays_open >= r->duration_workdays &&
	    (rs = fire(r, out, RISK_SIG_DURATION))) {
		snprintf(tmp, sizeof tmp, "%d", f->workdays_open);
		detail_add(rs, tmp);
	}
	if (f->petition && f->earlier_petitions > 0 &&
	    (rs = fire(r, out, RISK_SIG_REPEAT_PETITION))) {
		snprintf(tmp, sizeof tmp, "%d", f->earlier_petitions);
		detail_add(rs, tmp);
	}
	if (f->petition && f->leapfrog)
		fire(r, out, RISK_SIG_LEAPFROG);
	out->grade = risk_grade_of(r, out->score);
}

const char *risk_grade_name(enum risk_grade g)
{
	return (unsigned)g < RISK__GRADES ? grade_names[g] : "unknown";
}

static int lookup(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int risk_grade_parse(const char *s)
{
	return lookup(grade_names, RISK__GRADES, s);
}

const char *risk_signal_name(enum risk_signal s)
{
	return (unsigned)s < RISK__SIGNALS ? signal_names[s] : "unknown";
}

int risk_signal_parse(const char *s)
{
	return lookup(signal_names, RISK__SIGNALS, s);
}

int risk_land_category(const char *category)
{
	static const char *const land[] = {"housing_land", "land_forest", "land_acquisition"};
	return lookup(land, 3, category) >= 0;
}
