/* cli_user.c - fengqiao user add|passwd|grant|revoke|token|tokens|
 * token-revoke|disable|enable|phone. Each change is one transaction with its audit
 * entry. A new password ends the user's sessions and API tokens; disabling
 * ends the sessions (tokens stay, refused while the user is disabled). */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/case/flow.h"
#include "domain/access/session.h"
#include "util/secret.h"
#include "util/text.h"
#include "store/audit.h"
#include "store/region.h"
#include "store/store.h"
#include "store/notify.h"
#include "store/user.h"

static const char *const valued[] = {"--db",     "--password",     "--name", "--role",
				     "--region", "--expires-days", NULL};

static void usage(void)
{
	printf("usage: fengqiao user add USERNAME [--name DISPLAY] [--password P]\n"
	       "                        [--role ROLE --region CODE]\n"
	       "       fengqiao user passwd USERNAME [--password P]\n"
	       "       fengqiao user grant USERNAME ROLE REGION\n"
	       "       fengqiao user revoke USERNAME ROLE REGION\n"
	       "       fengqiao user token USERNAME [--expires-days N]\n"
	       "       fengqiao user tokens USERNAME\n"
	       "       fengqiao user token-revoke USERNAME (TOKEN_ID | --all)\n"
	       "       fengqiao user disable USERNAME\n"
	       "       fengqiao user enable USERNAME\n"
	       "       fengqiao user phone USERNAME (MOBILE | --clear)\n\n"
	       "Roles: resident grid_worker mediator handler petition_officer counsellor\n"
	       "       legal_adviser analyst admin. Passwords have at least 12 characters and\n"
	       "may not be common ones, one character repeated or a run such as 123456789012;\n"
	       "when --password is left out a random one is made and printed. A new password\n"
	       "ends the user's sessions and API tokens.\n"
	       "`token` prints a new API token on its last line; only its hash is kept. It\n"
	       "lapses after --expires-days (default 90, at most 3650). `tokens` lists the\n"
	       "user's tokens by id (the first 12 hex digits of the token's SHA-256).\n"
	       "A disabled user cannot sign in, and their sessions and tokens stop working.\n");
}

static int audit_user(struct cli_db *d, const char *action, int64_t id, const char *detail)
{
	char idb[24];
	snprintf(idb, sizeof idb, "%lld", (long long)id);
	struct audit_entry a = {.at = (int64_t)time(NULL),
				.actor = "cli",
				.action = action,
				.entity = "user",
				.entity_id = idb,
				.detail = detail ? detail : ""};
	return store_audit_append(d->conn, &a) == FQ_OK;
}

static int valid_username(const char *u)
{
	size_t n = strlen(u);
	if (n < 2 || n >= USERNAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = u[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return 0;
	}
	return 1;
}

static int grant(struct cli_db *d, int64_t uid, const char *role, const char *region)
{
	json_t *rg = NULL;
	if (flow_role_parse(role) < 0) {
		fprintf(stderr, "fengqiao: unknown role %s\n", role);
		return 0;
	}
	if (!text_region_code(region, NULL) || store_region_get(d->conn, region, &rg) != FQ_OK) {
		fprintf(stderr, "fengqiao: unknown region %s (run import-regions first)\n", region);
		return 0;
	}
	json_decref(rg);
	char detail[128];
	snprintf(detail, sizeof detail, "{\"region\":\"%s\",\"role\":\"%s\"}", region, role);
	return store_role_grant(d->conn, uid, role, region) == FQ_OK &&
	       audit_user(d, "user.grant", uid, detail);
}

int cmd_user(int argc, char **argv)
{
	const char *sub = cli_arg(argc, argv, 0, valued);
	const char *name = cli_arg(argc, argv, 1, valued);
	if (cli_wants_help(argc, argv) || !sub || !name) {
		usage();
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 1))
		return 1;
	int rc = 1;
	json_t *u = NULL;
	char pw[64];
	const char *password = cli_opt(argc, argv, "--password");
	int made_up = 0;
	if (!password && (strcmp(sub, "add") == 0 || strcmp(sub, "passwd") == 0)) {
		secret_code(pw, 16);
		password = pw;
		made_up = 1;
	}
	char hash[SECRET_PWHASH_MAX];
	if (password && !made_up && password_is_weak(password)) {
		fprintf(stderr, "fengqiao: the password is too common or too simple\n");
		goto out;
	}
	if (password && secret_password_hash(password, hash) != FQ_OK) {
		fprintf(stderr, "fengqiao: the password needs at least %d characters\n",
			PASSWORD_MIN_CHARS);
		goto out;
	}
	int64_t days = TOKEN_DAYS_DEFAULT;
	const char *ed = cli_opt(argc, argv, "--expires-days");
	if (ed && text_parse_i64(ed, 1, TOKEN_DAYS_MAX, &days) != FQ_OK) {
		fprintf(stderr, "fengqiao: --expires-days takes 1 to %d\n", TOKEN_DAYS_MAX);
		goto out;
	}
	if (store_begin(d.conn) != FQ_OK) {
		fprintf(stderr, "fengqiao: the database is busy\n");
		goto out;
	}
	if (strcmp(sub, "add") == 0) {
		if (!valid_username(name)) {
			fprintf(stderr, "fengqiao: usernames are 2-63 of a-z 0-9 . _ -\n");
			goto rollback;
		}
		const char *display = cli_opt(argc, argv, "--name");
		int64_t uid;
		if (store_user_create(d.conn, name, display ? display : name, hash,
				      (int64_t)time(NULL), &uid) != FQ_OK) {
			fprintf(stderr, "fengqiao: cannot add %s (does it exist already?)\n", name);
			goto rollback;
		}
		if (!audit_user(&d, "user.add", uid, NULL))
			goto rollback;
		const char *role = cli_opt(argc, argv, "--role"),
			   *region = cli_opt(argc, argv, "--region");
		if ((role || region) && !(role && region && grant(&d, uid, role, region)))
			goto rollback;
		if (made_up)
			printf("password for %s: %s\n", name, pw);
	} else {
		if (store_user_get(d.conn, name, 0, &u) != FQ_OK) {
			fprintf(stderr, "fengqiao: no user %s\n", name);
			goto rollback;
		}
		int64_t uid = json_integer_value(json_object_get(u, "id"));
		if (strcmp(sub, "passwd") == 0) {
			if (store_user_set_password(d.conn, uid, hash) != FQ_OK ||
			    store_session_end_all(d.conn, uid) != FQ_OK ||
			    store_token_revoke(d.conn, uid, NULL) != FQ_OK ||
			    !audit_user(&d, "user.passwd", uid, NULL))
				goto rollback;
			if (made_up)
				printf("password for %s: %s\n", name, pw);
		} else if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0) {
			int off = strcmp(sub, "disable") == 0;
			if (store_user_set_disabled(d.conn, uid, off) != FQ_OK ||
			    (off && store_session_end_all(d.conn, uid) != FQ_OK) ||
			    !audit_user(&d, off ? "user.disable" : "user.enable", uid, NULL))
				goto rollback;
		} else if (strcmp(sub, "tokens") == 0) {
			json_t *items = NULL;
			if (store_token_list(d.conn, uid, &items) != FQ_OK)
				goto rollback;
			time_t now = time(NULL);
			size_t i;
			json_t *t;
			json_array_foreach(items, i, t) {
				char made[21], ends[21];
				int64_t exp = json_integer_value(json_object_get(t, "expires_at"));
				text_format_iso8601(
					json_integer_value(json_object_get(t, "created_at")), made);
				text_format_iso8601(exp, ends);
				printf("%s  made %s  expires %s%s\n",
				       json_string_value(json_object_get(t, "id")), made, ends,
				       exp <= now ? "  (expired)" : "");
			}
			json_decref(items);
		} else if (strcmp(sub, "token-revoke") == 0) {
			const char *id = cli_arg(argc, argv, 2, valued);
			int all = cli_flag(argc, argv, "--all");
			if (!id == !all) {
				usage();
				goto rollback;
			}
			char detail[64];
			snprintf(detail, sizeof detail, "{\"token\":\"%.12s\"}", all ? "all" : id);
			enum fq_err err = store_token_revoke(d.conn, uid, all ? NULL : id);
			if (err == FQ_ENOTFOUND)
				fprintf(stderr, "fengqiao: %s has no token %s\n", name, id);
			if (err || !audit_user(&d, "user.token_revoke", uid, detail))
				goto rollback;
		} else if (strcmp(sub, "grant") == 0 || strcmp(sub, "revoke") == 0) {
			const char *role = cli_arg(argc, argv, 2, valued),
				   *region = cli_arg(argc, argv, 3, valued);
			if (!role || !region) {
				usage();
				goto rollback;
			}
			if (strcmp(sub, "grant") == 0) {
				if (!grant(&d, uid, role, region))
					goto rollback;
			} else {
				char detail[128];
				snprintf(detail, sizeof detail,
					 "{\"region\":\"%.12s\",\"role\":\"%.20s\"}", region, role);
				if (store_role_revoke(d.conn, uid, role, region) != FQ_OK) {
					fprintf(stderr, "fengqiao: %s does not hold %s at %s\n",
						name, role, region);
					goto rollback;
				}
				if (!audit_user(&d, "user.revoke", uid, detail))
					goto rollback;
			}
		} else if (strcmp(sub, "phone") == 0) {
			/* the mobile that the SMS gateway texts notifications to
			 * (the user.notified webhook); audited masked */
			const char *phone = cli_arg(argc, argv, 2, valued);
			int clear = cli_flag(argc, argv, "--clear");
			if (!phone == !clear) {
				usage();
				goto rollback;
			}
			if (phone && !text_valid_mobile(phone)) {
				fprintf(stderr, "fengqiao: a phone is a mainland mobile number, "
						"11 digits starting 13-19\n");
				goto rollback;
			}
			char masked[16], detail[64];
			text_mask_phone(phone ? phone : "", masked, sizeof masked);
			snprintf(detail, sizeof detail, "{\"phone\":\"%s\"}", phone ? masked : "");
			if (store_user_set_phone(d.conn, uid, phone) != FQ_OK ||
			    !audit_user(&d, "user.phone", uid, detail))
				goto rollback;
		} else if (strcmp(sub, "token") == 0) {
			char tok[SECRET_TOKEN_CHARS + 1], th[SECRET_HASH_HEX];
			secret_token(tok);
			secret_sha256_hex(tok, strlen(tok), th);
			int64_t now = (int64_t)time(NULL);
			if (store_token_put(d.conn, th, uid, now, now + days * 86400) != FQ_OK ||
			    !audit_user(&d, "user.token", uid, NULL))
				goto rollback;
			if (store_commit(d.conn) != FQ_OK)
				goto out;
			printf("%s\n", tok);
			rc = 0;
			goto out;
		} else {
			usage();
			goto rollback;
		}
	}
	if (store_commit(d.conn) != FQ_OK) {
		fprintf(stderr, "fengqiao: cannot commit\n");
		goto out;
	}
	rc = 0;
	goto out;
rollback:
	store_rollback(d.conn);
out:
	json_decref(u);
	cli_db_close(&d);
	return rc;
}
