/* report_pdf.h - the weekly 研判 report printed (issue 16): the report
 * object of service/report.h laid out with the builder of service/pdf.h,
 * its charts drawn on the server, in Chinese (the document is filed and
 * sent as an official paper). Pure layout: reads and writes nothing; the
 * caller built the report within the reader's scope. */
#ifndef FQ_REPORT_PDF_H
#define FQ_REPORT_PDF_H

#include <jansson.h>
#include <stddef.h>

#include "util/err.h"

/* rep: a report of report_build (borrowed). On FQ_OK *pdf is a new buffer
 * (free()) of *len bytes. */
enum fq_err report_pdf_render(const json_t *rep, char **pdf, size_t *len);

#endif
