/* grid_event.h - the routes of grid events and the four platforms
 * (api/grid_event.c, api/grid_event_photo.c). */
#ifndef FQ_API_GRID_EVENT_H
#define FQ_API_GRID_EVENT_H

/* Registers /api/v1/events... */
void api_grid_event_routes(void);
/* Registers /api/v1/events/{id}/photos... (grid_event_photo.c). */
void api_grid_event_photo_routes(void);

#endif
