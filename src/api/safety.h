/* safety.h - the routes of production safety (api/safety.c;
 * docs/safety.md). */
#ifndef FQ_API_SAFETY_H
#define FQ_API_SAFETY_H

/* Registers /api/v1/safety/... */
void api_safety_routes(void);

#endif
