/* village_vote.h - the routes of village rules (村规民约), their votes and
 * their filing (api/village_vote.c; docs/village.md). */
#ifndef FQ_API_VILLAGE_VOTE_H
#define FQ_API_VILLAGE_VOTE_H

/* Registers /api/v1/village-rules... and the public
 * /api/v1/public/villages/{code}/rules. */
void api_village_vote_routes(void);

#endif
