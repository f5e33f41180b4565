/* village_proposal.h - the routes of proposals (议事) from residents,
 * issue 18 (docs/village.md "Proposals"). */
#ifndef FQ_API_VILLAGE_PROPOSAL_H
#define FQ_API_VILLAGE_PROPOSAL_H

void api_village_proposal_routes(void);

#endif
