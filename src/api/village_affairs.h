/* village_affairs.h - the routes of open village affairs (村务公开) and
 * good-deed points (积分制), issue 18 (docs/village.md). */
#ifndef FQ_API_VILLAGE_AFFAIRS_H
#define FQ_API_VILLAGE_AFFAIRS_H

void api_village_affairs_routes(void);

#endif
