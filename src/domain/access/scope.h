/* scope.h - who the caller is and which regions they reach. A role held at a
 * region covers that region's whole subtree; GB/T 2260 codes nest by prefix
 * (33 > 3306 > 330681 > 330681109 > 330681109290), so a subtree is a prefix. */
#ifndef FQ_SCOPE_H
#define FQ_SCOPE_H

#include <stdint.h>
#include "domain/case/flow.h"

#define REGION_CODE_MAX 13 /* 12 digits and a NUL */
#define USERNAME_MAX 64
#define CALLER_MAX_ROLES 16
/* Grids a caller serves (issue 15), and the longest grid code (grid.h). */
#define CALLER_MAX_GRIDS 32
#define CALLER_GRID_CODE_MAX 40

struct role_grant {
	enum role role;
	char region[REGION_CODE_MAX];
};

struct caller {
	int64_t user_id; /* 0 for the public */
	char username[USERNAME_MAX];
	int nroles;
	struct role_grant roles[CALLER_MAX_ROLES];
	int via_token; /* authenticated by API token */
	/* The codes of the grids the caller serves as a grid worker
	 * (grid_staff: head, full-time, part-time). With any, a role of
	 * grid_worker sees only the cases of those grids (and cases with no
	 * grid) in its region; with none, the whole region as before. More
	 * than CALLER_MAX_GRIDS: none kept (the region-wide view). */
	int ngrids;
	char grids[CALLER_MAX_GRIDS][CALLER_GRID_CODE_MAX];
};

/* Level (1..5) of a region code from its length, or 0 when malformed. */
int scope_level_of(const char *code);
/* The code of the ancestor of `code` at `level` (1..5) into out; returns 0
 * when level is deeper than code. */
int scope_ancestor(const char *code, int level, char out[REGION_CODE_MAX]);
/* 1 when `code` lies in the subtree of `ancestor` (or is it). */
int scope_covers(const char *ancestor, const char *code);
/* ROLE_BIT mask of the caller's roles whose region covers `region`. */
uint32_t scope_roles_at(const struct caller *c, const char *region);
/* ROLE_BIT mask of the caller's roles held strictly above `region` (at a
 * region that covers it and is not it): a superior's roles (督办). */
uint32_t scope_roles_above(const struct caller *c, const char *region);
/* ROLE_BIT mask of all the caller's roles wherever held. */
uint32_t scope_all_roles(const struct caller *c);
/* 1 when the caller may see a case whose place is `case_region`. */
int scope_can_view_case(const struct caller *c, const char *case_region);
/* The same for a case that also has a grid (its code, NULL or "" for
 * none): where the caller sees the case only as a grid worker who serves
 * grids, the case's grid must be one of them or none (issue 15: scope
 * follows the grids they serve). */
int scope_can_view_case_in(const struct caller *c, const char *case_region, const char *grid);
/* 1 when grid is one of the caller's grids. */
int scope_serves_grid(const struct caller *c, const char *grid);
/* The regions where the caller sees cases only as a grid worker with
 * grids (see scope_can_view_case_in) into out; returns their count (0
 * without grids). For a list's SQL: rows there need a grid of theirs, or
 * none, or a region covered by another role held inside (whose regions
 * scope_grid_exceptions gives). */
int scope_grid_only_regions(const struct caller *c, char out[][REGION_CODE_MAX]);
/* Regions strictly inside `region` where the caller holds another
 * case-viewing role, into out; returns their count. */
int scope_grid_exceptions(const struct caller *c, const char *region, char out[][REGION_CODE_MAX]);
/* The distinct regions where the caller holds a case-viewing role, with
 * nested ones removed, into out (at most CALLER_MAX_ROLES). Returns count. */
int scope_view_regions(const struct caller *c, char out[][REGION_CODE_MAX]);

/* The caller's viewing regions narrowed to `within` (a region code, or
 * NULL for all of them) into out, at most CALLER_MAX_ROLES; returns their
 * count, 0 when nothing is visible. With no caller (the system), `within`
 * itself, or none at all (-1: no restriction). Stores turn each into one
 * index range rather than two ranges on one column. */
int scope_within(const struct caller *c, const char *within, char out[][REGION_CODE_MAX]);
/* 1 when region lies in one of the caller's viewing regions (always for
 * the system, c NULL). */
int scope_reaches(const struct caller *c, const char *region);
/* The exclusive upper bound of the codes under prefix p: codes are digits
 * and ':' sorts right after '9' (byte order). */
void scope_prefix_end(const char *p, char hi[REGION_CODE_MAX + 1]);

#endif
