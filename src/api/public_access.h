/* public_access.h - what public.c shares with the residents' portal files
 * (public_access.c: the short codes, SMS, rating and unit phones;
 * public_progress.c: the plain-language view of a case). Private to api/. */
#ifndef FQ_API_PUBLIC_ACCESS_H
#define FQ_API_PUBLIC_ACCESS_H

#include "api/common.h"

/* A resident's short code: PIN_DIGITS for the durable one printed on the
 * slip, SMS_DIGITS for the one-time code texted to the filing phone. */
#define RESIDENT_PIN_DIGITS 8
#define RESIDENT_SMS_DIGITS 6
#define RESIDENT_SMS_TTL 600 /* seconds an SMS code is good for */
/* Wrong short codes allowed per tracking code and window, as a bucket:
 * after RESIDENT_CODE_TRIES misses the short codes of that case answer
 * 429 until the window refills; the long secret still works. */
#define RESIDENT_CODE_TRIES 5
#define RESIDENT_CODE_WINDOW 3600 /* seconds */
/* SMS codes asked for per tracking code and window (each one costs a text). */
#define RESIDENT_SMS_TRIES 3
#define RESIDENT_SMS_WINDOW 3600
#define RESIDENT_HASH_INPUT_MAX 96 /* "pin:" code ":" digits */

/* Writes n random decimal digits and a NUL to out (n + 1 bytes). */
void public_random_digits(char *out, size_t n);

/* The hash kept for a short code: hex SHA-256 of kind ("pin", "sms"), the
 * tracking code (a per-case salt) and the digits. */
void public_code_hash(const char *kind, const char *tracking_code, const char *digits,
		      char out[SECRET_HASH_HEX]);

/* Opens the case `code` for a resident whose X-Tracking-Secret is the long
 * secret, the PIN or an unexpired SMS code. Returns 1 with *rec (the store
 * record) and *acc (its resident_access row, or NULL), new references the
 * caller releases; otherwise answers the request itself (404 alike for an
 * unknown code and a wrong secret, 429 while the case's short codes are
 * locked) and returns 0. */
int public_case_open(struct req *r, const char *code, json_t **rec, json_t **acc);

/* The resident's view of case rec (a store record; acc may be NULL): the
 * fields of the tracking answer, with steps, plain entries, the handling
 * unit and its public phone, the outcome and the rating. NULL when the store
 * cannot be read (the request is then answered). A new reference. */
json_t *public_progress(struct req *r, const json_t *rec, const json_t *acc);

/* Registers the routes of public_access.c. */
void api_public_access_routes(void);

#endif
