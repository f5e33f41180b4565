/* alert.h - the routes of early-warning alerts and the 研判 board's live
 * stream (api/alert.c; docs/analysis.md "Alerts"). */
#ifndef FQ_API_ALERT_H
#define FQ_API_ALERT_H

/* Registers /api/v1/alerts... */
void api_alert_routes(void);

#endif
