/* village_config.c - the configurable periods of village rules (see
 * village_config.h). */
#include "service/village_config.h"

#include <stdio.h>
#include <string.h>

#include "domain/village/vote.h"

static int filing_days = VILLAGE_FILING_DAYS_DEFAULT;
static int review_days = VILLAGE_REVIEW_DAYS_DEFAULT;

enum fq_err village_configure(const json_t *o, char *err, size_t errlen)
{
	int filing = VILLAGE_FILING_DAYS_DEFAULT, review = VILLAGE_REVIEW_DAYS_DEFAULT;
	if (o) {
		if (!json_is_object(o)) {
			snprintf(err, errlen, "village: an object expected");
			return FQ_EINVAL;
		}
		const char *k;
		json_t *v;
		json_object_foreach((json_t *)o, k, v) {
			int *slot = !strcmp(k, "filing_days")   ? &filing
				    : !strcmp(k, "review_days") ? &review
								: NULL;
			if (!slot) {
				snprintf(err, errlen, "village.%.40s: unknown key", k);
				return FQ_EINVAL;
			}
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > VILLAGE_PERIOD_DAYS_MAX) {
				snprintf(err, errlen, "village.%s: an integer 1..%d", k,
					 VILLAGE_PERIOD_DAYS_MAX);
				return FQ_EINVAL;
			}
			*slot = (int)json_integer_value(v);
		}
	}
	filing_days = filing;
	review_days = review;
	return FQ_OK;
}

int village_filing_days(void)
{
	return filing_days;
}

int village_review_days(void)
{
	return review_days;
}
