/* report.h - the routes of the weekly 研判 report (api/report.c). */
#ifndef FQ_API_REPORT_H
#define FQ_API_REPORT_H

void api_report_routes(void);

#endif
