/* interop.h - the doors to other systems: Open311 GeoReport v2, the
 * hotline intake webhook, outbound webhooks, CSV import and export. Each
 * file registers its own routes; interop_register_all calls them. interop/
 * sits above api/ and may use its helpers (api/common.h), never the other
 * way round. */
#ifndef FQ_INTEROP_H
#define FQ_INTEROP_H

#include <event2/keyvalq_struct.h>
#include <stddef.h>

/* Registers every interop route (after api_register_all). */
void interop_register_all(void);

void open311_routes(void);
void hotline_routes(void);
void webhook_routes(void);
void csv_import_routes(void);
void csv_export_routes(void);

/* Parses an application/x-www-form-urlencoded body into q (caller clears
 * it with evhttp_clear_headers). 0 when the body is not a valid form. */
int open311_parse_form(const char *body, size_t len, struct evkeyvalq *q);

#endif
