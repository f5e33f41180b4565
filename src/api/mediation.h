/* mediation.h - what the two files of the mediation routes share
 * (api/mediation.c for staff, api/mediation_party.c for a party through
 * its link): one writer job that runs a use case of service/mediation.h
 * and answers the room as the actor sees it, and the event replay. */
#ifndef FQ_API_MEDIATION_H
#define FQ_API_MEDIATION_H

#include "api/api.h"
#include "service/mediation.h"

enum med_op {
	MED_OP_OPEN,
	MED_OP_ACT,
	MED_OP_MESSAGE,
	MED_OP_OFFER,
	MED_OP_ANSWER,
	MED_OP_SESSION,
	MED_OP_CODE,
	MED_OP_VERIFY,
};

/* Runs op on mediation id (the case id for MED_OP_OPEN) as staff (the
 * request's caller) or as party_id (> 0), with the request's body; answers
 * 200 (201 for open, 202 for a code) with the room, or the error. name:
 * the action's name, or the code for MED_OP_VERIFY; oid the offer. */
void api_mediation_run(struct req *r, enum med_op op, int64_t id, int64_t party_id,
		       const char *name, int64_t oid);

/* Answers the room's events after ?after=N (or Last-Event-ID) as JSON,
 * for staff (party_id 0) or a party. */
void api_mediation_events(struct req *r, int64_t id, int64_t party_id);

/* Opens the room's live stream for staff (party_id 0) or a party, after
 * replaying what it missed. */
void api_mediation_stream(struct req *r, int64_t id, int64_t party_id);

void api_mediation_routes(void);
void api_mediation_party_routes(void);
void api_mediation_join_routes(void);

#endif
