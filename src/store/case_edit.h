/* case_edit.h - the store's calls behind the case page: a case found by its
 * tracking code within the caller's scope, the facts of a case rewritten
 * with its search index, and the code fragments the case list's search
 * matches. Typed wrappers, as in case.h; each engine implements the op in
 * store/<engine>/case_edit.c. */
#ifndef FQ_STORE_CASE_EDIT_H
#define FQ_STORE_CASE_EDIT_H

#include <ctype.h>
#include <string.h>

#include "store/case.h"

#define CASE_CODE_FRAGMENT_MIN 4  /* characters a code search needs */
#define CASE_CODE_FRAGMENT_MAX 14 /* a whole code: FQ, a dash, five, a dash, five */

/* The case whose tracking code is `code` (exact, as printed), read as
 * store_case_get reads it: a case outside who's scope is FQ_ENOTFOUND, as
 * if it did not exist. *out is a new reference. */
static inline enum fq_err store_case_by_code(struct store_conn *c, const struct caller *who,
					     const char *code, json_t **out)
{
	json_t *rec = NULL;
	*out = NULL;
	enum fq_err err = store_case_get_by_code(c, code, &rec);
	if (err)
		return err;
	if (!store_case_visible(who, rec)) { /* grid scope too */
		json_decref(rec);
		return FQ_ENOTFOUND;
	}
	*out = rec;
	return FQ_OK;
}

/* Rewrites the facts of case id: the columns in `fields` (title,
 * description, category: what store_case_column accepts), the address
 * when `address` is not NULL (a JSON string or null), and the parties when
 * `parties` is not NULL (the whole list, replaced); then the case's search
 * index is rebuilt from the new text. Borrows all. Run inside a
 * transaction. */
static inline enum fq_err store_case_facts_set(struct store_conn *c, int64_t id, json_t *fields,
					       json_t *address, json_t *parties)
{
	return STORE_OPS(c)->case_facts_set(c, id, fields, address, parties);
}

/* When q (a search box's text) reads as a piece of a tracking code, writes
 * the LIKE pattern "%FRAGMENT%" (upper case) into out and returns 1: q is
 * CASE_CODE_FRAGMENT_MIN to CASE_CODE_FRAGMENT_MAX letters, digits and
 * dashes, with a digit, a capital or a leading "FQ", or of a code group's
 * length (5, 10 or 11 with the dash) in any case (so an ordinary English
 * word stays a word search). Returns 0 otherwise. */
static inline int store_code_pattern(const char *q, char out[CASE_CODE_FRAGMENT_MAX + 3])
{
	while (*q == ' ')
		q++;
	size_t n = strlen(q);
	while (n && q[n - 1] == ' ')
		n--;
	if (n < CASE_CODE_FRAGMENT_MIN || n > CASE_CODE_FRAGMENT_MAX)
		return 0;
	int marked = (q[0] == 'F' || q[0] == 'f') && (q[1] == 'Q' || q[1] == 'q');
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)q[i];
		if (!(isalnum(ch) || ch == '-') || ch >= 0x80)
			return 0;
		marked |= isdigit(ch) || isupper(ch);
	}
	/* a group of the code typed in lower case (apbmx for FQ-APBMX-...) has
	 * neither mark: five or ten letters, the code's groups, count too (the
	 * search still matches words as well, so nothing is lost) */
	if (!marked && n != 5 && n != 10 && n != 11)
		return 0;
	out[0] = '%';
	for (size_t i = 0; i < n; i++)
		out[1 + i] = (char)toupper((unsigned char)q[i]);
	out[n + 1] = '%';
	out[n + 2] = 0;
	return 1;
}

#endif
