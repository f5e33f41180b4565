/* agreement_pdf.h - the agreement's printed documents, laid out with the
 * builder of service/pdf.h: the agreement (调解协议书, 人民调解法 art. 29:
 * one copy per party plus the committee's archive copy, each with the
 * text's SHA-256 and its verification code) and the joint application for
 * judicial confirmation (司法确认申请书, 人民调解法 art. 33; SPC 2011 rules
 * art. 3) naming the competent court. Pure layout: reads and writes
 * nothing; the caller has checked who may print. */
#ifndef FQ_AGREEMENT_PDF_H
#define FQ_AGREEMENT_PDF_H

#include <stddef.h>
#include <stdint.h>

#include "domain/mediation/agreement.h"
#include "util/err.h"

/* One signature on the current text. */
struct agreement_signature {
	const char *kind;   /* "party" | "mediator" | "seal" */
	const char *name;   /* the party's or mediator's name, the committee's */
	const char *method; /* "code" (one-time code, 电子签名法 art. 13), "wet", "seal" */
	int64_t at;         /* UTC seconds */
};

struct agreement_print {
	const struct agreement_doc *doc;
	const char *hash; /* SHA-256 hex of the canonical text */
	const struct agreement_signature *sigs;
	int nsigs;
	int64_t effective_at;    /* 0 while not in effect */
	int copies_only_archive; /* 1: only the archive copy (a sample, a preview) */
};

/* The agreement: the archive copy first, then one copy per party.
 * On FQ_OK *pdf is a new buffer (free()) of *len bytes. */
enum fq_err agreement_pdf_render(const struct agreement_print *p, char **pdf, size_t *len);

/* The joint application to court (a name from agreement_court_for) for
 * the agreement in effect since effective_at. */
enum fq_err agreement_pdf_application(const struct agreement_print *p, const char *court,
				      char **pdf, size_t *len);

/* The basic people's court competent for a committee in county (the first
 * six digits of a region code): SPC 2011 rules art. 2, the basic court
 * where the committee sits (民事诉讼法 art. 205 (2)). A table of the
 * counties configured; other counties get "<county_name>人民法院", and
 * "（所在地基层人民法院）" when no name is known. */
void agreement_court_for(const char *region, const char *county_name, char *out, size_t outlen);

#endif
