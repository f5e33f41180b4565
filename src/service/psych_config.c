/* psych_config.c - "psych" of the server's configuration and the sealing
 * of 心防's records (see psych.h). The key is read once from the file the
 * configuration names and lives only in this process: never in the
 * database, a log line or an answer. */
#include "service/psych.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/secret.h"

#define SEAL_MAX (256 * 1024) /* bytes of one sealed record's JSON */

static struct psych_config config = {.hand_on_minutes = 15, .retention_days = 1095};

const struct psych_config *psych_config(void)
{
	return &config;
}

/* 32 raw bytes, or 64 hex digits with optional white space after */
static int read_key(const char *path, unsigned char key[32])
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	unsigned char buf[130];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	int ok = 0;
	if (n == 32) {
		memcpy(key, buf, 32);
		ok = 1;
	} else if (n >= 64 && n <= 66) {
		size_t bin = 0;
		ok = sodium_hex2bin(key, 32, (const char *)buf, 64, NULL, &bin, NULL) == 0 &&
		     bin == 32;
		for (size_t i = 64; i < n; i++)
			if (!isspace(buf[i]))
				ok = 0;
	}
	sodium_memzero(buf, sizeof buf);
	return ok;
}

static int want_int(const json_t *o, const char *key, int min, int max, int *out, char *err,
		    size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(err, errlen, "psych.%s: a whole number from %d to %d", key, min, max);
		return 0;
	}
	*out = (int)json_integer_value(v);
	return 1;
}

enum fq_err psych_configure(const json_t *o, char *err, size_t errlen)
{
	struct psych_config p = {.hand_on_minutes = 15, .retention_days = 1095};
	if (!o) {
		config = p;
		return FQ_OK;
	}
	if (!json_is_object(o)) {
		snprintf(err, errlen, "psych: an object expected");
		return FQ_EINVAL;
	}
	static const char *const known[] = {"key_file",        "crisis_line",    "rota",
					    "hand_on_minutes", "retention_days", "test_clock"};
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		size_t i = 0;
		while (i < sizeof known / sizeof known[0] && strcmp(known[i], k) != 0)
			i++;
		if (i == sizeof known / sizeof known[0]) {
			snprintf(err, errlen, "psych.%.40s: unknown key", k);
			return FQ_EINVAL;
		}
	}
	if (!want_int(o, "hand_on_minutes", 1, 120, &p.hand_on_minutes, err, errlen) ||
	    !want_int(o, "retention_days", 30, 3650, &p.retention_days, err, errlen))
		return FQ_EINVAL;
	json_t *cl = json_object_get(o, "crisis_line");
	if (cl) {
		if (!json_is_string(cl) || json_string_length(cl) >= PSYCH_CRISIS_LINE_MAX) {
			snprintf(err, errlen, "psych.crisis_line: a phone number as text");
			return FQ_EINVAL;
		}
		snprintf(p.crisis_line, sizeof p.crisis_line, "%s", json_string_value(cl));
	}
	json_t *rota = json_object_get(o, "rota");
	if (rota) {
		if (!json_is_array(rota) || json_array_size(rota) > PSYCH_ROTA_MAX) {
			snprintf(err, errlen, "psych.rota: a list of at most %d usernames",
				 PSYCH_ROTA_MAX);
			return FQ_EINVAL;
		}
		size_t i;
		json_t *u;
		json_array_foreach(rota, i, u) {
			if (!json_is_string(u) || !json_string_length(u) ||
			    json_string_length(u) >= USERNAME_MAX) {
				snprintf(err, errlen, "psych.rota[%zu]: a username", i);
				return FQ_EINVAL;
			}
			snprintf(p.rota[p.nrota++], USERNAME_MAX, "%s", json_string_value(u));
		}
	}
	json_t *tc = json_object_get(o, "test_clock");
	if (tc) {
		if (!json_is_boolean(tc)) {
			snprintf(err, errlen, "psych.test_clock: true or false");
			return FQ_EINVAL;
		}
		p.test_clock = json_is_true(tc);
	}
	json_t *kf = json_object_get(o, "key_file");
	if (kf) {
		if (!json_is_string(kf)) {
			snprintf(err, errlen, "psych.key_file: a file name");
			return FQ_EINVAL;
		}
		/* a missing key does not stop the server: the public
		 * screening still works, and storing answers 503 */
		unsigned char master[32];
		p.has_key = read_key(json_string_value(kf), master);
		/* one subkey seals, another hashes the codes */
		if (p.has_key) {
			crypto_kdf_derive_from_key(p.key, sizeof p.key, 1, "fqpsych_", master);
			crypto_kdf_derive_from_key(p.code_key, sizeof p.code_key, 2, "fqpsych_",
						   master);
		}
		sodium_memzero(master, sizeof master);
		if (!p.has_key)
			log_msg(LOG_WARN,
				"psych.key_file: cannot read 32 bytes or 64 hex digits; the "
				"psychological service stores nothing");
	}
	sodium_memzero(&config, sizeof config);
	config = p;
	sodium_memzero(&p, sizeof p);
	return FQ_OK;
}

enum fq_err psych_seal(const json_t *o, const char *ad, char **out)
{
	*out = NULL;
	if (!config.has_key)
		return FQ_EIO;
	char *plain = json_dumps(o, JSON_COMPACT);
	if (!plain)
		return FQ_ENOMEM;
	size_t n = strlen(plain);
	if (n > SEAL_MAX) {
		sodium_memzero(plain, n);
		free(plain);
		return FQ_ETOOBIG;
	}
	size_t blen = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + n +
		      crypto_aead_xchacha20poly1305_ietf_ABYTES;
	unsigned char *box = malloc(blen);
	size_t b64len = sodium_base64_encoded_len(blen, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(b64len);
	enum fq_err err = FQ_ENOMEM;
	if (box && b64) {
		randombytes_buf(box, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
		unsigned long long clen = 0;
		crypto_aead_xchacha20poly1305_ietf_encrypt(
			box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
			(const unsigned char *)plain, n, (const unsigned char *)ad, strlen(ad),
			NULL, box, config.key);
		sodium_bin2base64(b64, b64len, box, blen, sodium_base64_VARIANT_ORIGINAL);
		*out = b64;
		b64 = NULL;
		err = FQ_OK;
	}
	sodium_memzero(plain, n);
	free(plain);
	free(box);
	free(b64);
	return err;
}

enum fq_err psych_open(const char *sealed, const char *ad, json_t **out)
{
	*out = NULL;
	if (!config.has_key)
		return FQ_EIO;
	size_t slen = strlen(sealed);
	unsigned char *box = malloc(slen + 1);
	if (!box)
		return FQ_ENOMEM;
	size_t blen = 0;
	enum fq_err err = FQ_EINTERNAL;
	if (sodium_base642bin(box, slen + 1, sealed, slen, NULL, &blen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) == 0 &&
	    blen >= crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
			    crypto_aead_xchacha20poly1305_ietf_ABYTES) {
		size_t clen = blen - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
		unsigned char *plain = malloc(clen + 1);
		unsigned long long plen = 0;
		if (!plain)
			err = FQ_ENOMEM;
		else if (crypto_aead_xchacha20poly1305_ietf_decrypt(
				 plain, &plen, NULL,
				 box + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, clen,
				 (const unsigned char *)ad, strlen(ad), box, config.key) == 0) {
			json_error_t je;
			*out = json_loadb((const char *)plain, (size_t)plen, 0, &je);
			err = *out ? FQ_OK : FQ_EINTERNAL;
		}
		if (plain) {
			sodium_memzero(plain, clen + 1);
			free(plain);
		}
	}
	free(box);
	return err;
}

int psych_code_hash(const char *code, char out[65])
{
	char norm[PSYCH_CODE_CHARS + 1];
	size_t n = 0;
	if (!code || !config.has_key)
		return 0;
	for (const char *p = code; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		if (!isalnum((unsigned char)*p) || n >= PSYCH_CODE_CHARS)
			return 0;
		norm[n++] = (char)toupper((unsigned char)*p);
	}
	if (n != PSYCH_CODE_CHARS)
		return 0;
	norm[n] = 0;
	secret_hmac_hex(config.code_key, sizeof config.code_key, norm, n, out);
	return 1;
}
