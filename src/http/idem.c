/* idem.c - the Idempotency-Key of signed-in POSTs: a repeat of the same
 * key by the same user on the same method and path answers what the first
 * request answered and does nothing again. The key is claimed inside the
 * transaction of the guarded write (store/sync.h), so "stored" and "done"
 * cannot disagree after a crash; the answer is kept right after it is
 * sent. Knows nothing of cases: any R_AUTH route gets it. */
#include "http/idem.h"

#include <event2/buffer.h>
#include <stdlib.h>
#include <string.h>

#include "service/svc.h"
#include "util/secret.h"
#include "store/sync.h"

#define IDEM_STORED_KEY (4 + STORE_IDEM_HASH_HEX + 1) /* "api:" and a SHA-256 */
#define IDEM_SCOPE_MAX 32
#define IDEM_ROUTE_MAX (8 + HTTP_PATH_MAX)
/* the answer of a replay whose first answer was not kept (lost in a crash
 * between the commit and the keeping, or larger than IDEM_ANSWER_MAX): the
 * work is done, once; what it answered is gone */
#define IDEM_NO_ANSWER "{\"replayed\":true,\"answer_kept\":false}"

typedef enum fq_err (*idem_run_fn)(struct store_conn *, void *, struct fq_error *);

/* One armed request's key. The guarded write's fields are set on the
 * worker before the write is queued; claimed and busy are set on the
 * writer thread and read on the worker only after the write's done (the
 * writer hands the job back through an event, which orders the two). */
struct idem {
	char key[IDEM_STORED_KEY];
	char scope[IDEM_SCOPE_MAX];
	char route[IDEM_ROUTE_MAX];
	char hash[SECRET_HASH_HEX];
	int64_t now;
	idem_run_fn run;
	void *arg;
	int wrapped;
	int claimed; /* the key was inserted with the write */
	int busy;    /* another request holds the key: 409 */
};

static int key_valid(const char *s)
{
	size_t n = strlen(s);
	return n >= IDEM_KEY_MIN && n <= IDEM_KEY_MAX &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Answers a key found at dispatch. */
static void replay(struct req *r, const struct idem *k, const struct store_idem *row)
{
	if (strcmp(row->body_hash, k->hash) != 0) {
		reply_err(r, "idempotency_key_reused",
			  "this Idempotency-Key was used for another request body; use a new key",
			  "Idempotency-Key");
		return;
	}
	if (row->status == 0 && row->created_at > r->now - IDEM_PENDING_STALE_S) {
		http_set_header(r, "Retry-After", "1");
		reply_err(r, "idempotency_in_progress",
			  "a request with this Idempotency-Key is still being answered; retry",
			  "Idempotency-Key");
		return;
	}
	http_set_header(r, "Idempotent-Replayed", "true");
	if (row->status == 204) {
		reply_no_content(r);
		return;
	}
	if (row->status == 0 || !row->body[0]) {
		reply_text(r, row->status ? row->status : 200, "application/json; charset=utf-8",
			   IDEM_NO_ANSWER, sizeof IDEM_NO_ANSWER - 1);
		return;
	}
	reply_text(r, row->status, "application/json; charset=utf-8", row->body, strlen(row->body));
}

int idem_begin(struct req *r)
{
	const char *given = req_header(r, "Idempotency-Key");
	if (!given || r->method != M_POST || !r->authed || r->caller.user_id <= 0)
		return 0;
	if (!key_valid(given)) {
		reply_err(r, "invalid_idempotency_key",
			  "Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ -",
			  "Idempotency-Key");
		return 1;
	}
	struct idem *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return 1;
	}
	k->now = r->now;
	snprintf(k->scope, sizeof k->scope, "user:%lld", (long long)r->caller.user_id);
	snprintf(k->route, sizeof k->route, "POST %s", r->path);
	/* the stored key names the user, the route and the client's key, whole:
	 * the same key of another user or on another path is another key */
	size_t tlen = strlen(k->scope) + strlen(k->route) + strlen(given) + 3;
	char *text = malloc(tlen);
	size_t blen = 0;
	char *body = req_body_copy(r, &blen);
	if (!text || !body) {
		free(text);
		free(body);
		free(k);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return 1;
	}
	snprintf(text, tlen, "%s\n%s\n%s", k->scope, k->route, given);
	char hex[SECRET_HASH_HEX];
	secret_sha256_hex(text, strlen(text), hex);
	snprintf(k->key, sizeof k->key, "api:%s", hex);
	/* the body's bytes, as sent: a repeat sends the same bytes */
	secret_sha256_hex(body, blen, k->hash);
	free(text);
	free(body);

	struct store_idem row;
	enum fq_err err = store_sync_idem_find(r->rc, k->key, r->now - IDEM_TTL_S, &row);
	if (err == FQ_ENOTFOUND) {
		r->idem = k;
		return 0;
	}
	if (err) {
		struct fq_error e;
		fq_fail(&e, err, NULL, NULL, "cannot check the Idempotency-Key");
		free(k);
		reply_fq(r, &e);
		return 1;
	}
	replay(r, k, &row);
	free(row.body);
	free(k);
	return 1;
}

/* On the writer thread, in the savepoint of the guarded write: the key
 * first, then the write; a failing write undoes both. */
static enum fq_err idem_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct idem *k = arg;
	struct store_idem_claim cl = {k->key,  k->scope, k->route,
				      k->hash, k->now,   k->now - IDEM_TTL_S};
	enum fq_err err = store_sync_idem_claim(c, &cl);
	if (err == FQ_ECONFLICT) {
		/* another request with this key committed since the dispatch
		 * looked: the same body is that one, in flight; another is a misuse */
		struct store_idem row;
		int reused = 0;
		if (store_sync_idem_find(c, k->key, cl.since, &row) == FQ_OK) {
			reused = strcmp(row.body_hash, k->hash) != 0;
			free(row.body);
		}
		if (reused)
			return fq_fail(e, FQ_EINVAL, "idempotency_key_reused", "Idempotency-Key",
				       "this Idempotency-Key was used for another request body; "
				       "use a new key");
		k->busy = 1;
		return fq_fail(
			e, FQ_ECONFLICT, "idempotency_in_progress", "Idempotency-Key",
			"a request with this Idempotency-Key is still being answered; retry");
	}
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot claim the Idempotency-Key");
	err = k->run(c, k->arg, e);
	if (err == FQ_OK)
		k->claimed = 1;
	return err;
}

void idem_wrap(struct req *r, idem_run_fn *run, void **arg)
{
	struct idem *k = r->idem;
	/* only the first write of a request: a handler that writes twice
	 * guards its first step (none of the routes does today) */
	if (!k || k->wrapped)
		return;
	k->wrapped = 1;
	k->run = *run;
	k->arg = *arg;
	*run = idem_run;
	*arg = k;
}

/* An answer to keep, for the writer. */
struct answer {
	char key[IDEM_STORED_KEY];
	int status;
	char *body;
};

static enum fq_err answer_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct answer *a = arg;
	enum fq_err err = store_sync_idem_answer(c, a->key, a->status, a->body);
	return err ? fq_fail(e, err, NULL, NULL, "cannot keep the answer of a key") : FQ_OK;
}

static void answer_free(void *arg)
{
	struct answer *a = arg;
	free(a->body);
	free(a);
}

void idem_finish(struct req *r, int status, struct evbuffer *buf)
{
	struct idem *k = r->idem;
	if (!k)
		return;
	if (k->busy)
		http_set_header(r, "Retry-After", "1");
	if (!k->claimed)
		return;
	k->claimed = 0;
	/* the write ran but its batch did not commit, or its outcome is not
	 * known (the connection was lost during COMMIT): no answer to keep. If
	 * it did commit, the key stays pending and a retry is told so; if it
	 * did not, the retry does the work. */
	if (status >= 500)
		return;
	struct answer *a = calloc(1, sizeof *a);
	size_t n = buf ? evbuffer_get_length(buf) : 0;
	if (n > IDEM_ANSWER_MAX)
		n = 0; /* kept as "no answer": a replay says the work is done */
	char *body = a ? malloc(n + 1) : NULL;
	if (!body) {
		/* the key stays pending: a replay after IDEM_PENDING_STALE_S says done */
		free(a);
		return;
	}
	if (n)
		evbuffer_copyout(buf, body, n);
	body[n] = 0;
	memcpy(a->key, k->key, sizeof a->key);
	a->status = status;
	a->body = body;
	svc_write_async(r->svc, answer_run, a, answer_free);
}

void idem_free(struct req *r)
{
	free(r->idem);
	r->idem = NULL;
}
