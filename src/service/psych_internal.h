/* psych_internal.h - what psych.c lends psych_care.c: the writes that seal
 * a record or an alert. Not for other files. */
#ifndef FQ_SERVICE_PSYCH_INTERNAL_H
#define FQ_SERVICE_PSYCH_INTERNAL_H

#include "service/psych.h"

/* Seals data (borrowed) as a new record of person; its id into id. */
enum fq_err psych_add_record(struct store_conn *c, const char *person, const json_t *data,
			     int64_t now, char id[33]);
/* A new alert of kind on the rota (its first counsellor), audited. */
enum fq_err psych_add_alert(struct store_conn *c, const char *person, const char *kind,
			    int64_t now);
/* Scores body, keeps it as a record of person and, when may_alert and
 * item 9 is above 0, alerts the rota; *result as psych_screen answers,
 * with alerted. */
enum fq_err psych_add_screening(struct store_conn *c, const char *person, const json_t *body,
				int may_alert, int64_t now, json_t **result, struct fq_error *e);

#endif
