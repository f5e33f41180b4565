/* psych.h - the routes of 心防, the psychological service (issue 19). */
#ifndef FQ_API_PSYCH_H
#define FQ_API_PSYCH_H

void api_psych_routes(void);

#endif
