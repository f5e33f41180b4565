/* text.h - small string checks used at the edges: UTF-8 validity, lengths in
 * characters, mainland mobile numbers, masking, region codes and the bigram
 * tokens that make two-character Chinese words searchable. No allocation
 * except where a function says so. */
#ifndef FQ_TEXT_H
#define FQ_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

/* Length of the UTF-8 character at s (n > 0 bytes left) and its code point
 * through *cp, or 0 when the bytes there are no well-formed character
 * (overlong, a surrogate, past U+10FFFF, cut short). NUL is a character. */
size_t text_utf8_char(const char *s, size_t n, uint32_t *cp);
/* 1 when s[0..len) is well-formed UTF-8 without NUL or C0 controls other
 * than tab, CR and LF. */
int text_valid_utf8(const char *s, size_t len);
/* Number of code points in valid UTF-8 s. */
size_t text_utf8_chars(const char *s, size_t len);
/* 1 for a mainland mobile number: "1" then [3-9] then nine digits. */
int text_valid_mobile(const char *s);
/* Writes "138****0001" for a mobile number (or "****" for anything else) to out. */
/* The 11 digits of a mainland mobile number typed with +86, spaces or
 * hyphens into out, or "" when s is not one. */
void text_mobile_digits(const char *s, char out[16]);
void text_mask_phone(const char *phone, char *out, size_t outlen);
/* 1 when s is a region code: 2, 4, 6, 9 or 12 digits. Returns its level
 * (1..5) through *level when not NULL. */
int text_region_code(const char *s, int *level);
/* 1 when s begins with prefix. Spares callers a hard-coded prefix length. */
int text_starts_with(const char *s, const char *prefix);
/* Parses a whole decimal int64 with range check; FQ_EINVAL otherwise. */
enum fq_err text_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out);

/* Search tokens: ASCII letters/digits form lower-cased words; each run of
 * CJK (or other non-ASCII) characters becomes its overlapping bigrams plus a
 * trailing single character, so that any one- or two-character word is a
 * token or a token prefix. Tokens are separated by single spaces.
 * Returns a new string the caller frees with free(), or NULL when out of
 * memory. At most maxout bytes are produced; further text is dropped.
 * Both stores and `migrate-data` cut a case's tokens at SEARCH_TOKENS_MAX,
 * so that they index the same words. */
#define SEARCH_TOKENS_MAX (64 * 1024)
char *text_search_tokens(const char *s, size_t len, size_t maxout);

/* Builds an FTS5 MATCH expression for a user query: every token must be
 * present (AND). Each token is quoted; single characters become prefix
 * queries. Returns a new string (free()) or NULL when the query has no token. */
char *text_fts_query(const char *q, size_t maxout);

/* ISO 8601 instant ("2026-11-26T08:00:00Z", "+08:00", or a date) to epoch
 * seconds. */
enum fq_err text_parse_iso8601(const char *s, int64_t *out);
/* Formats epoch seconds as "2026-11-26T08:00:00Z" (21 bytes incl. NUL). */
void text_format_iso8601(int64_t t, char out[21]);

#endif
