/* config.h - the configuration file of `fengqiao serve --config FILE`
 * (JSON): the dispute deadlines, the routing rules, the hotline secret, the
 * proxies whose X-Forwarded-For is believed, and the webhook targets allowed
 * on private addresses (kept by webhooks.c).
 * The petition (信访) limits are fixed by regulation and not configurable. */
#ifndef FQ_CONFIG_H
#define FQ_CONFIG_H

#include <stddef.h>
#include "domain/case/deadline.h"
#include "domain/case/routing.h"
#include "http/limits.h"
#include "util/err.h"

#define CONFIG_FILE_MAX (64 * 1024)

/* Reads FILE over the defaults already in dl, rt, secret and proxies. Unknown keys and
 * bad values are refused with a message naming the key (FQ_EINVAL). */
enum fq_err config_load(const char *path, struct deadline_rules *dl, struct routing_rules *rt,
			char *secret, size_t secret_len, struct trusted_proxies *proxies, char *err,
			size_t errlen);

#endif
