/* village_meeting.h - the routes of a village's meetings and its
 * representatives' roster (api/village_meeting.c; docs/village.md
 * "Meetings and the roster"). */
#ifndef FQ_API_VILLAGE_MEETING_H
#define FQ_API_VILLAGE_MEETING_H

/* Registers /api/v1/village/representatives... and
 * /api/v1/village/meetings... */
void api_village_meeting_routes(void);

#endif
