/* routing.h - which unit a new case starts at. By default the village's
 * unit; configured categories and group disputes (群体性) start at the
 * township; petitions (信访) start at the township's petition office. */
#ifndef FQ_ROUTING_H
#define FQ_ROUTING_H

#include <stdint.h>
#include "domain/case/flow.h"
#include "domain/access/scope.h"

struct routing_rules {
	uint32_t township_categories; /* bit per category_table index */
	int group_threshold;          /* people_involved >= this is a group dispute */
};

void routing_rules_default(struct routing_rules *r);
/* 1 when people_involved makes a group dispute. */
int routing_is_group(const struct routing_rules *r, int people_involved);
/* Start level (5 village or 4 township) for a new case. */
int routing_start_level(const struct routing_rules *r, int category, int people_involved,
			enum case_track track);
/* The unit region one level up from `unit` into out; returns 0 at the
 * province (nothing above). */
int routing_escalate(const char *unit, char out[REGION_CODE_MAX]);

#endif
