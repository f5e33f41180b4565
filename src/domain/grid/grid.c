/* grid.c - kinds, duties, codes and the size norm of grids (grid.h). */
#include "domain/grid/grid.h"

#include <string.h>

static const char *const kinds[GRID_KIND__COUNT] = {"comprehensive", "school", "hospital", "market",
						    "enterprise"};
static const char *const duties[GRID_DUTY__COUNT] = {"head", "full_time", "part_time",
						     "instructor"};

static int find(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *grid_kind_name(enum grid_kind k)
{
	return (unsigned)k < GRID_KIND__COUNT ? kinds[k] : "comprehensive";
}

int grid_kind_parse(const char *s)
{
	return find(kinds, GRID_KIND__COUNT, s);
}

const char *grid_duty_name(enum grid_duty d)
{
	return (unsigned)d < GRID_DUTY__COUNT ? duties[d] : "part_time";
}

int grid_duty_parse(const char *s)
{
	return find(duties, GRID_DUTY__COUNT, s);
}

int grid_code_ok(const char *s)
{
	size_t n = 0;
	for (; s && s[n]; n++) {
		char ch = s[n];
		int ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
			 (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_' || ch == '.';
		if (!ok || n + 1 >= GRID_CODE_MAX)
			return 0;
	}
	return n > 0;
}

int grid_region_is_town(const char *region)
{
	if (!region || strlen(region) != 12)
		return 0;
	int v = (region[9] - '0') * 100 + (region[10] - '0') * 10 + (region[11] - '0');
	return v >= 1 && v <= 199;
}

unsigned grid_size_warnings(const char *region, int64_t households, int64_t population)
{
	unsigned w = 0;
	int town = grid_region_is_town(region);
	int64_t lo = town ? GRID_TOWN_HOUSEHOLDS_MIN : GRID_RURAL_HOUSEHOLDS_MIN;
	int64_t hi = town ? GRID_TOWN_HOUSEHOLDS_MAX : GRID_RURAL_HOUSEHOLDS_MAX;
	if (households >= 0 && households < lo)
		w |= GRID_WARN_HOUSEHOLDS_LOW;
	if (households > hi)
		w |= GRID_WARN_HOUSEHOLDS_HIGH;
	if (population > GRID_POPULATION_MAX)
		w |= GRID_WARN_POPULATION_HIGH;
	return w;
}

const char *grid_warning_name(unsigned bit)
{
	switch (bit) {
	case GRID_WARN_HOUSEHOLDS_LOW:
		return "households_below_norm";
	case GRID_WARN_HOUSEHOLDS_HIGH:
		return "households_above_norm";
	case GRID_WARN_POPULATION_HIGH:
		return "population_above_norm";
	default:
		return NULL;
	}
}
