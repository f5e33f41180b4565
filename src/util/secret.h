/* secret.h - random tokens, their SHA-256 hashes, HMAC-SHA256, and password
 * hashing with argon2id, all through libsodium. Call secret_init first. */
#ifndef FQ_SECRET_H
#define FQ_SECRET_H

#include <stddef.h>
#include "util/err.h"

#define SECRET_TOKEN_BYTES 32
#define SECRET_TOKEN_CHARS 43 /* base64url of 32 bytes, no padding */
#define SECRET_HASH_HEX 65    /* 64 hex digits and a NUL */
#define SECRET_PWHASH_MAX 128
#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_BYTES 256

enum fq_err secret_init(void);
/* Writes a new 256-bit random token as base64url (44 bytes incl. NUL). */
void secret_token(char out[SECRET_TOKEN_CHARS + 1]);
/* Writes random characters from an unambiguous alphabet (no 0/O, 1/I/L). */
void secret_code(char *out, size_t nchars);
/* Hex SHA-256 of data. */
void secret_sha256_hex(const void *data, size_t len, char out[SECRET_HASH_HEX]);
/* Hex HMAC-SHA256 of data keyed by key. */
void secret_hmac_hex(const void *key, size_t keylen, const void *data, size_t len,
		     char out[SECRET_HASH_HEX]);
/* Constant-time comparison of two NUL-terminated strings of equal length. */
int secret_equal(const char *a, const char *b);
/* argon2id; FQ_EINVAL when the password is too short or long. */
enum fq_err secret_password_hash(const char *pw, char out[SECRET_PWHASH_MAX]);
/* FQ_OK when pw matches; sets *rehash when the stored parameters are old. */
enum fq_err secret_password_check(const char *stored, const char *pw, int *rehash);

#endif
