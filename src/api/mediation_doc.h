/* mediation_doc.h - the routes of a mediation room's documents
 * (api/mediation_doc.c). */
#ifndef FQ_API_MEDIATION_DOC_H
#define FQ_API_MEDIATION_DOC_H

void api_mediation_doc_routes(void);

#endif
