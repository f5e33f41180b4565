/* scope.h - who the caller is and which regions they reach. A role held at a
 * region covers that region's whole subtree; GB/T 2260 codes nest by prefix
 * (33 > 3306 > 330681 > 330681109 > 330681109290), so a subtree is a prefix. */
#ifndef FQ_SCOPE_H
#define FQ_SCOPE_H

#include <stdint.h>
#include "domain/flow.h"

#define REGION_CODE_MAX 13   /* 12 digits and a NUL */
#define USERNAME_MAX 64
#define CALLER_MAX_ROLES 16

struct role_grant {
	enum role role;
	char region[REGION_CODE_MAX];
};

struct caller {
	int64_t user_id;           /* 0 for the public */
	char username[USERNAME_MAX];
	int nroles;
	struct role_grant roles[CALLER_MAX_ROLES];
	int via_token;             /* authenticated by API token */
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
/* ROLE_BIT mask of all the caller's roles wherever held. */
uint32_t scope_all_roles(const struct caller *c);
/* 1 when the caller may see a case whose place is `case_region`. */
int scope_can_view_case(const struct caller *c, const char *case_region);
/* The distinct regions where the caller holds a case-viewing role, with
 * nested ones removed, into out (at most CALLER_MAX_ROLES). Returns count. */
int scope_view_regions(const struct caller *c, char out[][REGION_CODE_MAX]);

#endif
