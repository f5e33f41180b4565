/* team.h - the routes of service teams and their requests for help
 * (api/team.c; docs/teams.md). */
#ifndef FQ_API_TEAM_H
#define FQ_API_TEAM_H

/* Registers /api/v1/teams... and /api/v1/team-requests... */
void api_team_routes(void);

#endif
