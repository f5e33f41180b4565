/* api.h - the JSON API: one file per resource, each registering its routes.
 * Handlers parse and check input, call a service (service/) or the store,
 * and render. */
#ifndef FQ_API_H
#define FQ_API_H

#include "api/common.h"

/* Registers the routes of every api/ resource (interop/ has its own). */
void api_register_all(void);

void api_health_routes(void);
void api_session_routes(void);
void api_regions_routes(void);
void api_cases_routes(void);
void api_public_routes(void);
void api_stats_routes(void);
void api_notices_routes(void);
void api_queues_routes(void);
void api_notifications_routes(void);
void api_agreement_routes(void);
void api_verify_routes(void);
void api_notifications_stream_routes(void);

/* Frees what a worker thread kept (the statistics answers it cached). */
void api_stats_thread_end(void);

#endif
