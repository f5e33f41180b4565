/* case_edit.h - the case page's routes (api/case_edit.c): editing a case's
 * facts, a preview of a case by its tracking code, and the names put on
 * timeline entries. */
#ifndef FQ_API_CASE_EDIT_H
#define FQ_API_CASE_EDIT_H

#include "api/common.h"

void api_case_edit_routes(void);

/* Puts words beside the internal values of timeline entries (in place):
 * actor_name (the user's display name; absent for channels such as public
 * or hotline), and in a detail handler_name, from_unit_name, to_unit_name,
 * unit_region_name, and other_id_code / new_id_code / absorbed_code for the
 * cases it names that the caller sees (the ids of the others become null). */
void api_timeline_names(struct req *r, json_t *items);

#endif
