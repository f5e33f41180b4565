/* attachment.h - the routes of a case's attachments (api/attachment.c). */
#ifndef FQ_API_ATTACHMENT_H
#define FQ_API_ATTACHMENT_H

/* Registers /api/cases/{id}/attachments... and the residents'
 * /api/public/cases/{code}/attachments... */
void api_attachment_routes(void);

#endif
