/* webhooks.h - outbound webhooks: events are queued in the delivery log in
 * the same transaction as the change that causes them (service/outbox.h),
 * and a background thread delivers them with an HMAC signature, retrying
 * with backoff. Requests never wait for a delivery. Targets must resolve to
 * public addresses unless the configuration allows them (webhook_allow). */
#ifndef FQ_WEBHOOKS_H
#define FQ_WEBHOOKS_H

#include <jansson.h>

#include "service/outbox.h"
#include "service/svc.h"

#define WEBHOOK_MAX_ATTEMPTS 8
#define WEBHOOK_TIMEOUT_S 10
#define WEBHOOK_URL_MAX 512
#define WEBHOOK_HOST_MAX 255 /* a DNS name */
#define WEBHOOK_ADDR_MAX 46  /* INET6_ADDRSTRLEN */
#define WEBHOOK_ALLOW_MAX 32 /* entries of webhook_allow */

/* Adds "host:port" (the configuration's webhook_allow) to the targets that
 * may be private, loopback or link-local. Call before the server starts its
 * threads. Returns 0 with a message in err when the entry is malformed or
 * there are too many. */
int webhook_allow_add(const char *hostport, char *err, size_t errlen);
void webhook_allow_clear(void);

/* Resolves host (as written in a URL, IPv6 in brackets or not) once and
 * writes the numeric address to connect to into addr. Numeric forms that
 * inet_aton reads (0x7f000001, 2130706433, 017700000001) and IPv4 forms
 * inside IPv6 (::ffff:127.0.0.1) are judged by the address they name; names
 * are looked up and every answer must pass. Loopback, link-local (with the
 * 169.254.169.254 metadata address), private, shared, multicast, broadcast
 * and "this network" addresses are FQ_EFORBIDDEN unless host:port is in
 * webhook_allow; FQ_EINVAL when it cannot be read or resolved. `why` says
 * which. Blocks for the lookup of a name. */
enum fq_err webhook_target_resolve(const char *host, int port, char addr[WEBHOOK_ADDR_MAX],
				   char *why, size_t whylen);

/* Splits an http:// URL (at most WEBHOOK_URL_MAX bytes, no user info) into
 * host, port (80 by default) and the request target. 0 when it is not one. */
int webhook_url_parts(const char *url, char host[WEBHOOK_HOST_MAX + 1], int *port,
		      char target[WEBHOOK_URL_MAX + 2]);

/* Starts and stops the delivery thread of a serving program: it reads due
 * deliveries on its own connection to s's primary, records outcomes and
 * runs the overdue scan (outbox_overdue_scan) through s's writer. s must
 * outlive the thread. Returns 0 (logged) when it cannot start. */
int webhook_worker_start(const struct svc *s);
void webhook_worker_stop(void);

#endif
