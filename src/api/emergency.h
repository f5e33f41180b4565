/* emergency.h - the routes of emergencies and warnings (issue 20;
 * docs/emergency.md): api/emergency_incident.c (incidents, their reports
 * and response, and every write as one writer job) and
 * api/emergency_warning.c (warnings, their CAP files and feed, imported
 * CAP alerts). */
#ifndef FQ_API_EMERGENCY_H
#define FQ_API_EMERGENCY_H

#include <stdint.h>

#include "api/api.h"

enum em_op {
	EM_OP_INCIDENT,
	EM_OP_REPORT,
	EM_OP_ACT,
	EM_OP_TASK,
	EM_OP_TASK_UPDATE,
	EM_OP_RESOURCE,
	EM_OP_RESOURCE_UPDATE,
	EM_OP_PERSON,
	EM_OP_WARNING,
	EM_OP_WARNING_ACT,
	EM_OP_IMPORT,
	EM_OP_IMPORT_LINK,
};

/* Queues op as one writer job; the reply follows it (the incident, the
 * warning or the import as the caller sees it). action: an action name
 * or NULL; raw/len: a raw body (stolen) for EM_OP_IMPORT. */
void em_api_submit(struct req *r, enum em_op op, int64_t id, int64_t sub, const char *action,
		   char *raw, size_t len);
/* Replies with warning id / import id as the caller sees it. */
void em_api_reply_warning(struct req *r, int64_t id, int status);
void em_api_reply_import(struct req *r, int64_t id, int status);

void api_emergency_routes(void);
void api_emergency_warning_routes(void);

#endif
