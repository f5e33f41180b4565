/* village_config.h - the configurable periods of village rules (issue 18):
 * the serve configuration's "village" member,
 *   "village": {"filing_days": 10, "review_days": 30}
 * the calendar days a village has to file an adopted rule with the
 * township, and the township to review it (村民委员会组织法 art. 27 names
 * neither number; the defaults are the issue's: domain/village/vote.h).
 * Read once at start, before the server's threads. */
#ifndef FQ_SERVICE_VILLAGE_CONFIG_H
#define FQ_SERVICE_VILLAGE_CONFIG_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

/* Checks and keeps o (NULL: the defaults); FQ_EINVAL with err written for
 * an unknown key or a number outside 1..VILLAGE_PERIOD_DAYS_MAX. */
enum fq_err village_configure(const json_t *o, char *err, size_t errlen);
int village_filing_days(void);
int village_review_days(void);

#endif
