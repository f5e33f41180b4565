/* resident.h - the store's calls behind the residents' portal (issue 13):
 * a case's short numeric code (PIN) and one-time SMS code, kept only as
 * hashes, the resident's own rating, and the public phone of each
 * handling unit, as typed wrappers store_<noun>_<verb>(c, ...). Both
 * engines run them from store/resident_query.c (store/run.h). Records are new
 * references the caller releases with json_decref; strings are borrowed. */
#ifndef FQ_STORE_RESIDENT_H
#define FQ_STORE_RESIDENT_H

#include "store/store.h"

/* Ratings a resident may give: the follow-up's own scale (service/case_act.c). */
#define RESIDENT_RATING_COMMENT_MAX 200 /* characters */

/* {case_id, pin_hash, sms_hash, sms_expires, rating, rating_comment,
 * rated_at} of a case, or FQ_ENOTFOUND when none was ever stored (a case
 * filed before issue 13 or by staff). */
static inline enum fq_err store_resident_get(struct store_conn *c, int64_t case_id, json_t **out)
{
	return STORE_OPS(c)->resident_get(c, case_id, out);
}

/* Sets (or replaces) the hash of the case's PIN. */
static inline enum fq_err store_resident_pin_set(struct store_conn *c, int64_t case_id,
						 const char *pin_hash)
{
	return STORE_OPS(c)->resident_pin_set(c, case_id, pin_hash);
}

/* Sets (or replaces) the hash of the case's one-time SMS code and when it
 * lapses (UTC seconds); the PIN stays as it was. */
static inline enum fq_err store_resident_sms_set(struct store_conn *c, int64_t case_id,
						 const char *sms_hash, int64_t expires)
{
	return STORE_OPS(c)->resident_sms_set(c, case_id, sms_hash, expires);
}

/* Records the resident's rating, once: FQ_ECONFLICT when the case was
 * already rated. comment may be NULL. */
static inline enum fq_err store_resident_rate(struct store_conn *c, int64_t case_id,
					      const char *rating, const char *comment, int64_t now)
{
	return STORE_OPS(c)->resident_rate(c, case_id, rating, comment, now);
}

/* Sets the public phone of the unit at `region`, or removes it (phone
 * NULL). FQ_ENOTFOUND for removing one that is not there. */
static inline enum fq_err store_unit_phone_put(struct store_conn *c, const char *region,
					       const char *phone, const char *actor, int64_t now)
{
	return STORE_OPS(c)->unit_phone_put(c, region, phone, actor, now);
}

/* {region, phone, updated_at, updated_by} of the unit at `region` (exactly
 * that code), or FQ_ENOTFOUND. */
static inline enum fq_err store_unit_phone_get(struct store_conn *c, const char *region,
					       json_t **out)
{
	return STORE_OPS(c)->unit_phone_get(c, region, out);
}

#endif
