/* patrol.h - the routes of patrols (api/patrol.c). */
#ifndef FQ_API_PATROL_H
#define FQ_API_PATROL_H

/* Registers /api/v1/patrols... and /api/v1/grids/{id}/patrol-norm. */
void api_patrol_routes(void);

#endif
