/* screen.h - the self-screening instruments of 心防 (the psychological
 * service, issue 19): PHQ-9 (depression) and GAD-7 (anxiety), scored and
 * banded exactly as published (Kroenke, Spitzer & Williams 2001; Spitzer
 * et al. 2006; /work/shared/psych/phq9_gad7_items.json), with PHQ-9 item 9
 * as the trigger for a human (not a risk assessment), and the suppression
 * of small counts in the service's statistics. Pure rules: no I/O, no
 * global state. A screening result is never a diagnosis (精神卫生法 art. 23:
 * only a psychiatrist diagnoses). */
#ifndef FQ_DOMAIN_PSYCH_SCREEN_H
#define FQ_DOMAIN_PSYCH_SCREEN_H

#include <stddef.h>
#include <stdint.h>

enum psych_instrument {
	PSYCH_PHQ9,
	PSYCH_GAD7,
};

#define PSYCH_ITEMS_MAX 9        /* items scored in one instrument (PHQ-9) */
#define PSYCH_ANSWER_MAX 3       /* "nearly every day" */
#define PSYCH_POSITIVE_CUTOFF 10 /* a positive screen, both instruments */
#define PSYCH_RISK_ITEM 9        /* PHQ-9 item 9: thoughts of death or self-harm */

struct psych_result {
	int score;    /* the sum of the scored items */
	int band;     /* index into the instrument's bands, 0 = minimal */
	int positive; /* score >= PSYCH_POSITIVE_CUTOFF */
	int crisis;   /* PHQ-9 item 9 above 0: alert a human at once */
};

/* The instrument named ("phq9", "gad7"); -1 for another name. */
int psych_instrument_parse(const char *name);
const char *psych_instrument_name(enum psych_instrument in);
/* How many items are scored: 9 for PHQ-9, 7 for GAD-7. PHQ-9's tenth
 * question (how difficult the problems made life) is asked and never
 * scored, so it is not counted here. */
int psych_item_count(enum psych_instrument in);
/* The number of bands and the stable name of band b ("minimal", "mild",
 * "moderate", "moderately_severe" (PHQ-9 only), "severe"); the page shows
 * the published wording from its catalogue. */
int psych_band_count(enum psych_instrument in);
const char *psych_band_name(enum psych_instrument in, int band);
/* The band of a total score; -1 when the score is outside 0..max. */
int psych_band_of(enum psych_instrument in, int score);

/* Scores n answers (each 0..3) of instrument in: n must equal
 * psych_item_count. Returns 0 and fills *out, or -1 with *bad_item the
 * 1-based item that is missing or out of range (0 when n is wrong). */
int psych_score(enum psych_instrument in, const int *answers, size_t n, struct psych_result *out,
		int *bad_item);

/* ---- statistics ---- */

#define PSYCH_SUPPRESS_MIN 1 /* counts from ... */
#define PSYCH_SUPPRESS_MAX 9 /* ... to this are never shown */
#define PSYCH_CELLS_MAX 512  /* children of one parent in one table */

/* Suppression of one parent's children (the townships of a county, the
 * counties of a city): counts[i] are the children, *parent their total.
 * hidden[i] is set for a primary cell (a count 1..9) and, when exactly one
 * child is hidden and the parent total is shown, for a complementary cell
 * too (the smallest other non-zero child, else the smallest other child),
 * so that the total minus the shown children never reveals a hidden cell.
 * *parent_hidden is set when the total itself is 1..9. Returns the number
 * of hidden children. */
size_t psych_suppress(const int64_t *counts, size_t n, int64_t parent, int *hidden,
		      int *parent_hidden);

#endif
