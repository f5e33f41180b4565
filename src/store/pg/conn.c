/* pg/conn.c - opening a connection of the PostgreSQL engine, its session
 * settings, and opening it again when it lost its server: after a failover,
 * from the URL's list of hosts, to the new primary (docs/operations.md §11).
 * Must not know about HTTP. */
#include "store/pg/pg_internal.h"
#include "store/rollup_batch.h"

/* Session settings every connection gets, again after a reconnect. */
static int session_setup(struct store_conn *c)
{
	const char *sql = c->readonly ? "SET lock_timeout = '" PG_LOCK_TIMEOUT
					"'; SET client_min_messages = warning; "
					"SET default_transaction_read_only = on"
				      : "SET lock_timeout = '" PG_LOCK_TIMEOUT
					"'; SET client_min_messages = warning";
	PGresult *r = PQexec(c->pg, sql);
	int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		log_error("postgresql session setup: %s", PQerrorMessage(c->pg));
	PQclear(r);
	return ok;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The connection once more, to whichever host of the URL is the primary
 * now (target_session_attrs=read-write): after a failover, the new one.
 * While there is none, it fails at once for PG_RECONNECT_PAUSE_MS after
 * each attempt, and the request answers 503 storage_unavailable. */
static int reconnect(struct store_conn *c)
{
	int64_t now = now_ms();
	if (now < c->reconnect_after_ms)
		return 0;
	log_warn("postgresql: connection lost; reconnecting");
	PQreset(c->pg);
	c->ncache = 0;
	c->implicit = 0;
	c->depth = 0;
	c->case_high = c->audit_high = 0;
	if (PQstatus(c->pg) != CONNECTION_OK || !session_setup(c)) {
		const char *msg = PQerrorMessage(c->pg);
		size_t n = strlen(msg);
		while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
			n--;
		log_error("postgresql: reconnect failed: %.*s", (int)n, msg);
		c->reconnect_after_ms = now_ms() + PG_RECONNECT_PAUSE_MS;
		c->lost = 1;
		return 0;
	}
	c->lost = 0;
	c->reconnect_after_ms = 0;
	log_info("postgresql: reconnected to %s:%s", PQhost(c->pg), PQport(c->pg));
	return 1;
}

/* A connection that went away between transactions is opened again (its
 * prepared statements with it). Inside a transaction it is not: the work
 * of the transaction is lost, and the caller must see the failure. */
int pg_conn_ready(struct store_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK && !c->lost)
		return 1;
	if (c->in_txn)
		return 0; /* until the caller's rollback */
	return reconnect(c);
}

/* "host:port/dbname" of the URL, for messages: never the password. */
static void describe(const char *url, char *out, size_t len)
{
	PQconninfoOption *opts = PQconninfoParse(url, NULL);
	const char *host = NULL, *port = NULL, *db = NULL;
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
	}
	snprintf(out, len, "%s:%s/%s", host ? host : "localhost", port ? port : "5432",
		 db ? db : "");
	PQconninfoFree(opts);
}

enum fq_err pg_conn_open(struct store *s, int readonly, struct store_conn **out, struct fq_error *e)
{
	struct store_conn *c = calloc(1, sizeof *c);
	if (!c)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	c->ops = &store_pg_ops;
	c->store = s;
	c->engine = &pg_engine;
	c->readonly = readonly;
	/* the URL's own settings win over the defaults before it; the encoding
	 * after it is not negotiable */
	const char *keys[] = {"fallback_application_name",
			      "connect_timeout",
			      "keepalives_idle",
			      "keepalives_interval",
			      "keepalives_count",
			      "tcp_user_timeout",
			      "dbname",
			      "client_encoding",
			      NULL};
	const char *vals[] = {readonly ? PG_APP_NAME_READ : PG_APP_NAME,
			      PG_CONNECT_TIMEOUT,
			      PG_KEEPALIVES_IDLE,
			      PG_KEEPALIVES_INTERVAL,
			      PG_KEEPALIVES_COUNT,
			      PG_TCP_USER_TIMEOUT,
			      s->url,
			      "UTF8",
			      NULL};
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		char where[256];
		describe(s->url, where, sizeof where);
		const char *msg = c->pg ? PQerrorMessage(c->pg) : "out of memory";
		size_t n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			n--;
		enum fq_err err =
			fq_fail(e, FQ_EIO, "storage_unavailable", "db",
				"cannot connect to PostgreSQL at %s: %.*s", where, (int)n, msg);
		PQfinish(c->pg);
		free(c);
		return err;
	}
	if (!session_setup(c)) {
		PQfinish(c->pg);
		free(c);
		return fq_fail(e, FQ_EIO, "storage_unavailable", "db",
			       "cannot configure the connection");
	}
	*out = c;
	return FQ_OK;
}

void pg_conn_close(struct store_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	rollup_batch_free(c);
	free(c);
}
