/* grid.h - the routes of grids (api/grid.c). */
#ifndef FQ_API_GRID_H
#define FQ_API_GRID_H

/* Registers /api/v1/grids... */
void api_grid_routes(void);

#endif
