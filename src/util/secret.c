/* secret.c - libsodium wrappers. Nothing here logs or keeps a secret. */
#include "util/secret.h"

#include <sodium.h>
#include <string.h>

/* Interactive limits keep a login under about 100 ms on a small box; the
 * server rehashes on login when these change. */
#define PW_OPSLIMIT crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PW_MEMLIMIT crypto_pwhash_MEMLIMIT_INTERACTIVE

enum fq_err secret_init(void)
{
	return sodium_init() < 0 ? FQ_EINTERNAL : FQ_OK;
}

void secret_token(char out[SECRET_TOKEN_CHARS + 1])
{
	unsigned char raw[SECRET_TOKEN_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, SECRET_TOKEN_CHARS + 1, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void secret_code(char *out, size_t nchars)
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	for (size_t i = 0; i < nchars; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[nchars] = 0;
}

void secret_sha256_hex(const void *data, size_t len, char out[SECRET_HASH_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	sodium_bin2hex(out, SECRET_HASH_HEX, h, sizeof h);
}

void secret_hmac_hex(const void *key, size_t keylen, const void *data, size_t len,
		     char out[SECRET_HASH_HEX])
{
	unsigned char h[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, keylen);
	crypto_auth_hmacsha256_update(&st, data, len);
	crypto_auth_hmacsha256_final(&st, h);
	sodium_bin2hex(out, SECRET_HASH_HEX, h, sizeof h);
}

int secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

enum fq_err secret_password_hash(const char *pw, char out[SECRET_PWHASH_MAX])
{
	size_t len = strlen(pw);
	size_t chars = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (chars < PASSWORD_MIN_CHARS || len > PASSWORD_MAX_BYTES)
		return FQ_EINVAL;
	if (crypto_pwhash_str(out, pw, len, PW_OPSLIMIT, PW_MEMLIMIT) != 0)
		return FQ_ENOMEM;
	return FQ_OK;
}

enum fq_err secret_password_check(const char *stored, const char *pw, int *rehash)
{
	size_t len = strlen(pw);
	if (len > PASSWORD_MAX_BYTES)
		return FQ_EAUTH;
	if (crypto_pwhash_str_verify(stored, pw, len) != 0)
		return FQ_EAUTH;
	if (rehash)
		*rehash = crypto_pwhash_str_needs_rehash(stored, PW_OPSLIMIT, PW_MEMLIMIT) != 0;
	return FQ_OK;
}
