/* routing.c - start levels and escalation targets. */
#include "domain/case/routing.h"

#include "domain/case/category.h"

void routing_rules_default(struct routing_rules *r)
{
	r->township_categories =
		(1u << category_parse("land_acquisition")) | (1u << category_parse("environment"));
	r->group_threshold = 10;
}

int routing_is_group(const struct routing_rules *r, int people_involved)
{
	return r->group_threshold > 0 && people_involved >= r->group_threshold;
}

int routing_start_level(const struct routing_rules *r, int category, int people_involved,
			enum case_track track)
{
	if (track == TRACK_PETITION)
		return 4;
	if (category >= 0 && (r->township_categories & (1u << category)))
		return 4;
	if (routing_is_group(r, people_involved))
		return 4;
	return 5;
}

int routing_escalate(const char *unit, char out[REGION_CODE_MAX])
{
	int lv = scope_level_of(unit);
	if (lv <= 1)
		return 0;
	return scope_ancestor(unit, lv - 1, out);
}
