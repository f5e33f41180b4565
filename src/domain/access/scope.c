/* scope.c - region subtree checks. Codes are compared as strings; a code's
 * length gives its level. */
#include "domain/access/scope.h"

#include <string.h>

static const int level_len[6] = {0, 2, 4, 6, 9, 12};

int scope_level_of(const char *code)
{
	size_t n = strlen(code);
	for (int lv = 1; lv <= 5; lv++)
		if ((size_t)level_len[lv] == n)
			return lv;
	return 0;
}

int scope_ancestor(const char *code, int level, char out[REGION_CODE_MAX])
{
	if (level < 1 || level > 5 || strlen(code) < (size_t)level_len[level])
		return 0;
	memcpy(out, code, (size_t)level_len[level]);
	out[level_len[level]] = 0;
	return 1;
}

int scope_covers(const char *ancestor, const char *code)
{
	size_t n = strlen(ancestor);
	return n > 0 && strncmp(ancestor, code, n) == 0;
}

uint32_t scope_roles_at(const struct caller *c, const char *region)
{
	uint32_t m = 0;
	for (int i = 0; i < c->nroles; i++)
		if (scope_covers(c->roles[i].region, region))
			m |= ROLE_BIT(c->roles[i].role);
	return m;
}

uint32_t scope_roles_above(const struct caller *c, const char *region)
{
	uint32_t m = 0;
	for (int i = 0; i < c->nroles; i++)
		if (scope_covers(c->roles[i].region, region) &&
		    strcmp(c->roles[i].region, region) != 0)
			m |= ROLE_BIT(c->roles[i].role);
	return m;
}

uint32_t scope_all_roles(const struct caller *c)
{
	uint32_t m = 0;
	for (int i = 0; i < c->nroles; i++)
		m |= ROLE_BIT(c->roles[i].role);
	return m;
}

int scope_can_view_case(const struct caller *c, const char *case_region)
{
	return (scope_roles_at(c, case_region) & flow_case_viewer_roles()) != 0;
}

int scope_serves_grid(const struct caller *c, const char *grid)
{
	for (int i = 0; grid && i < c->ngrids; i++)
		if (strcmp(c->grids[i], grid) == 0)
			return 1;
	return 0;
}

/* The caller's case-viewing roles at region other than grid_worker. */
static uint32_t other_viewers_at(const struct caller *c, const char *region)
{
	return scope_roles_at(c, region) & flow_case_viewer_roles() & ~ROLE_BIT(ROLE_GRID_WORKER);
}

int scope_can_view_case_in(const struct caller *c, const char *case_region, const char *grid)
{
	if (!scope_can_view_case(c, case_region))
		return 0;
	if (!c->ngrids || other_viewers_at(c, case_region) || !grid || !*grid)
		return 1;
	return scope_serves_grid(c, grid);
}

int scope_grid_only_regions(const struct caller *c, char out[][REGION_CODE_MAX])
{
	int n = 0;
	for (int i = 0; c->ngrids && i < c->nroles; i++) {
		const char *r = c->roles[i].region;
		if (c->roles[i].role != ROLE_GRID_WORKER || other_viewers_at(c, r))
			continue;
		int dup = 0;
		for (int k = 0; k < n && !dup; k++)
			dup = strcmp(out[k], r) == 0;
		if (!dup && n < CALLER_MAX_ROLES) {
			memcpy(out[n], r, REGION_CODE_MAX);
			n++;
		}
	}
	return n;
}

int scope_grid_exceptions(const struct caller *c, const char *region, char out[][REGION_CODE_MAX])
{
	int n = 0;
	for (int i = 0; i < c->nroles && n < CALLER_MAX_ROLES; i++) {
		const char *r = c->roles[i].region;
		if (c->roles[i].role == ROLE_GRID_WORKER ||
		    !(ROLE_BIT(c->roles[i].role) & flow_case_viewer_roles()) ||
		    !scope_covers(region, r) || strcmp(region, r) == 0)
			continue;
		memcpy(out[n], r, REGION_CODE_MAX);
		n++;
	}
	return n;
}

int scope_view_regions(const struct caller *c, char out[][REGION_CODE_MAX])
{
	int n = 0;
	for (int i = 0; i < c->nroles; i++) {
		if (!(ROLE_BIT(c->roles[i].role) & flow_case_viewer_roles()))
			continue;
		const char *r = c->roles[i].region;
		int covered = 0;
		for (int j = 0; j < c->nroles && !covered; j++) {
			if (j == i || !(ROLE_BIT(c->roles[j].role) & flow_case_viewer_roles()))
				continue;
			const char *o = c->roles[j].region;
			if (scope_covers(o, r) && (strcmp(o, r) != 0 || j < i))
				covered = 1;
		}
		if (!covered && n < CALLER_MAX_ROLES) {
			memcpy(out[n], r, REGION_CODE_MAX);
			n++;
		}
	}
	return n;
}

static void copy_code(char dst[REGION_CODE_MAX], const char *src)
{
	size_t len = strnlen(src, REGION_CODE_MAX - 1);
	memcpy(dst, src, len);
	dst[len] = 0;
}

int scope_within(const struct caller *c, const char *within, char out[][REGION_CODE_MAX])
{
	if (!c) {
		if (!within)
			return -1;
		copy_code(out[0], within);
		return 1;
	}
	char view[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int nv = scope_view_regions(c, view), n = 0;
	for (int i = 0; i < nv; i++) {
		const char *r = view[i];
		if (within && scope_covers(r, within))
			r = within; /* asked for part of the caller's region */
		else if (within && !scope_covers(within, r))
			continue; /* disjoint */
		copy_code(out[n++], r);
	}
	return n;
}

int scope_reaches(const struct caller *c, const char *region)
{
	if (!c)
		return 1;
	char view[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_view_regions(c, view);
	for (int i = 0; i < n; i++)
		if (scope_covers(view[i], region))
			return 1;
	return 0;
}

void scope_prefix_end(const char *p, char hi[REGION_CODE_MAX + 1])
{
	size_t n = p ? strnlen(p, REGION_CODE_MAX - 1) : 0;
	if (n)
		memcpy(hi, p, n);
	hi[n] = ':';
	hi[n + 1] = 0;
}
