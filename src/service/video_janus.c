/* video_janus.c - Fengqiao's side of Janus (service/video.h): the "video"
 * configuration and a small blocking HTTP/1.0 client of Janus's admin API.
 * It talks only to the admin URL of the configuration, which must be a
 * loopback address (checked here, at start-up): the admin secret never
 * leaves the machine. Each request has a deadline (VIDEO_JANUS_TIMEOUT_MS)
 * for connecting, sending and reading, and an answer has a size limit. */
#include "service/video.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/secret.h"
#include "util/text.h"

static struct video_config cfg = {
	.open_before_s = 900, .token_lifetime_s = 10800, .retention_days = 90};
static char origin[VIDEO_URL_MAX];

const struct video_config *video_config(void)
{
	return &cfg;
}

const char *video_connect_origin(void)
{
	return origin[0] ? origin : NULL;
}

/* A loopback URL http://127.0.0.1:PORT/PATH (or [::1], localhost): its
 * address family, address, port and path. 0 for anything else. */
static int loopback_url(const char *url, int *family, char *addr, size_t addrlen, int *port,
			const char **path)
{
	static const struct {
		const char *prefix;
		int family;
		const char *addr;
	} hosts[] = {{"http://127.0.0.1:", AF_INET, "127.0.0.1"},
		     {"http://localhost:", AF_INET, "127.0.0.1"},
		     {"http://[::1]:", AF_INET6, "::1"}};
	for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		size_t n = strlen(hosts[i].prefix);
		if (strncmp(url, hosts[i].prefix, n) != 0)
			continue;
		const char *p = url + n;
		long v = 0;
		int digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 6) {
			v = v * 10 + (*p++ - '0');
			digits++;
		}
		if (!digits || v < 1 || v > 65535 || *p != '/')
			return 0;
		*family = hosts[i].family;
		snprintf(addr, addrlen, "%s", hosts[i].addr);
		*port = (int)v;
		*path = p;
		return 1;
	}
	return 0;
}

static int str_member(const json_t *o, const char *key, char *out, size_t outlen, size_t min,
		      char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	const char *s = json_string_value(v);
	if (!s || strlen(s) < min || strlen(s) >= outlen) {
		snprintf(err, errlen, "video.%s: a string of %zu to %zu characters", key, min,
			 outlen - 1);
		return 0;
	}
	snprintf(out, outlen, "%s", s);
	return 1;
}

static int int_member(const json_t *o, const char *key, int64_t min, int64_t max, int64_t *out,
		      char *err, size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(err, errlen, "video.%s: a whole number from %lld to %lld", key,
			 (long long)min, (long long)max);
		return 0;
	}
	*out = json_integer_value(v);
	return 1;
}

enum fq_err video_configure(const json_t *o, char *err, size_t errlen)
{
	static const char *const keys[] = {"janus_url",      "admin_url",        "admin_secret",
					   "open_before_s",  "token_lifetime_s", "turn",
					   "recordings_dir", "retention_days",   NULL};
	static const char *const tkeys[] = {"url", "username", "credential", NULL};
	if (!o)
		return FQ_OK;
	if (!json_is_object(o)) {
		snprintf(err, errlen, "video: an object expected");
		return FQ_EINVAL;
	}
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		size_t i = 0;
		while (keys[i] && strcmp(keys[i], key))
			i++;
		if (!keys[i]) {
			snprintf(err, errlen, "video.%.40s: unknown key", key);
			return FQ_EINVAL;
		}
	}
	if (!str_member(o, "janus_url", cfg.janus_url, sizeof cfg.janus_url, 1, err, errlen) ||
	    !str_member(o, "admin_url", cfg.admin_url, sizeof cfg.admin_url, 1, err, errlen) ||
	    !str_member(o, "admin_secret", cfg.admin_secret, sizeof cfg.admin_secret, 16, err,
			errlen) ||
	    !str_member(o, "recordings_dir", cfg.recordings_dir, sizeof cfg.recordings_dir, 2, err,
			errlen) ||
	    !int_member(o, "open_before_s", 0, 86400, &cfg.open_before_s, err, errlen) ||
	    !int_member(o, "token_lifetime_s", 300, 86400, &cfg.token_lifetime_s, err, errlen) ||
	    !int_member(o, "retention_days", 1, 3650, &cfg.retention_days, err, errlen))
		return FQ_EINVAL;
	json_t *t = json_object_get(o, "turn");
	if (t) {
		json_object_foreach(t, key, v) {
			size_t i = 0;
			while (tkeys[i] && strcmp(tkeys[i], key))
				i++;
			if (!tkeys[i]) {
				snprintf(err, errlen, "video.turn.%.40s: unknown key", key);
				return FQ_EINVAL;
			}
		}
		if (!json_is_object(t) ||
		    !str_member(t, "url", cfg.turn_url, sizeof cfg.turn_url, 6, err, errlen) ||
		    !str_member(t, "username", cfg.turn_username, sizeof cfg.turn_username, 0, err,
				errlen) ||
		    !str_member(t, "credential", cfg.turn_credential, sizeof cfg.turn_credential, 0,
				err, errlen))
			return FQ_EINVAL;
		if (strncmp(cfg.turn_url, "turn:", 5) && strncmp(cfg.turn_url, "turns:", 6)) {
			snprintf(err, errlen, "video.turn.url: a turn: or turns: URL");
			return FQ_EINVAL;
		}
	}
	int fam, port;
	char addr[64];
	const char *path;
	if (!cfg.janus_url[0] && !cfg.admin_url[0])
		return FQ_OK; /* video off */
	if (!cfg.janus_url[0] || !cfg.admin_url[0] || !cfg.admin_secret[0]) {
		snprintf(err, errlen, "video: janus_url, admin_url and admin_secret go together");
		return FQ_EINVAL;
	}
	/* the admin secret travels in clear: only to this machine */
	if (!loopback_url(cfg.admin_url, &fam, addr, sizeof addr, &port, &path)) {
		snprintf(err, errlen,
			 "video.admin_url: http://127.0.0.1:PORT/PATH (loopback only)");
		return FQ_EINVAL;
	}
	if (!text_starts_with(cfg.janus_url, "http://") &&
	    !text_starts_with(cfg.janus_url, "https://") && cfg.janus_url[0] != '/') {
		snprintf(err, errlen, "video.janus_url: an http(s) URL or a path such as /janus");
		return FQ_EINVAL;
	}
	if (!cfg.recordings_dir[0])
		snprintf(cfg.recordings_dir, sizeof cfg.recordings_dir, "%s", "var/recordings");
	/* the page may connect to Janus's own origin (scheme://host:port) */
	if (cfg.janus_url[0] != '/') {
		const char *h = strstr(cfg.janus_url, "://") + 3;
		const char *end = strchr(h, '/');
		size_t n = end ? (size_t)(end - cfg.janus_url) : strlen(cfg.janus_url);
		if (n >= sizeof origin || strpbrk(cfg.janus_url, " ;'\"")) {
			snprintf(err, errlen, "video.janus_url: not a plain URL");
			return FQ_EINVAL;
		}
		memcpy(origin, cfg.janus_url, n);
		origin[n] = 0;
	}
	cfg.enabled = 1;
	return FQ_OK;
}

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for ev or the deadline passes; 1 when ready. */
static int wait_fd(int fd, short ev, int64_t deadline)
{
	for (;;) {
		int64_t left = deadline - ms_now();
		if (left <= 0)
			return 0;
		struct pollfd p = {.fd = fd, .events = ev};
		int n = poll(&p, 1, (int)left);
		if (n > 0)
			return 1;
		if (n < 0 && errno != EINTR)
			return 0;
	}
}

/* POSTs body to the admin URL; *out the answer's body (a new string the
 * caller frees). FQ_EIO when Janus cannot be reached or is late. */
static enum fq_err post(const char *body, char **out, struct fq_error *e)
{
	int fam, port;
	char addr[64];
	const char *path;
	if (!cfg.enabled || !loopback_url(cfg.admin_url, &fam, addr, sizeof addr, &port, &path))
		return fq_fail(e, FQ_EIO, "video_unavailable", NULL, "video is not configured");
	int64_t deadline = ms_now() + VIDEO_JANUS_TIMEOUT_MS;
	struct sockaddr_storage ss = {0};
	socklen_t sl;
	if (fam == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, addr, &s4->sin_addr);
		sl = sizeof *s4;
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, addr, &s6->sin6_addr);
		sl = sizeof *s6;
	}
	char head[VIDEO_URL_MAX + 256];
	size_t blen = strlen(body);
	int hn = snprintf(head, sizeof head,
			  "POST %s HTTP/1.0\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
			  "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			  path, addr, port, blen);
	if (hn < 0 || (size_t)hn >= sizeof head)
		return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "admin URL too long");
	char *buf = NULL;
	size_t len = 0;
	enum fq_err err = FQ_EIO;
	int fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto out;
	if (connect(fd, (struct sockaddr *)&ss, sl) < 0) {
		int so = 0;
		socklen_t l = sizeof so;
		if (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline) ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &l) < 0 || so != 0)
			goto out;
	}
	const char *parts[2] = {head, body};
	size_t lens[2] = {(size_t)hn, blen};
	for (int i = 0; i < 2; i++)
		for (size_t sent = 0; sent < lens[i];) {
			if (!wait_fd(fd, POLLOUT, deadline))
				goto out;
			ssize_t w = send(fd, parts[i] + sent, lens[i] - sent, MSG_NOSIGNAL);
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				goto out;
			if (w > 0)
				sent += (size_t)w;
		}
	buf = malloc(VIDEO_JANUS_ANSWER_MAX + 1);
	if (!buf)
		goto out;
	for (;;) {
		if (!wait_fd(fd, POLLIN, deadline))
			goto out;
		ssize_t n = recv(fd, buf + len, VIDEO_JANUS_ANSWER_MAX - len, 0);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			goto out;
		}
		len += (size_t)n;
		if (len >= VIDEO_JANUS_ANSWER_MAX)
			goto out;
	}
	buf[len] = 0;
	char *sep = strstr(buf, "\r\n\r\n");
	if (strncmp(buf, "HTTP/1.", 7) != 0 || !sep || strncmp(buf + 8, " 200", 4) != 0)
		goto out;
	memmove(buf, sep + 4, len - (size_t)(sep + 4 - buf) + 1);
	*out = buf;
	buf = NULL;
	err = FQ_OK;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	if (err)
		return fq_fail(e, err, "video_unavailable", NULL,
			       "Janus's admin API did not answer in time");
	return FQ_OK;
}

enum fq_err video_janus_admin(const char *verb, json_t *fields, json_t **answer, struct fq_error *e)
{
	char tx[SECRET_TOKEN_CHARS + 1];
	secret_token(tx);
	json_t *req = fields ? fields : json_object();
	json_object_set_new(req, "janus", json_string(verb));
	json_object_set_new(req, "transaction", json_string(tx));
	json_object_set_new(req, "admin_secret", json_string(cfg.admin_secret));
	char *text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	char *body = NULL;
	enum fq_err err = post(text, &body, e);
	free(text);
	if (err)
		return err;
	json_t *a = json_loads(body, 0, NULL);
	free(body);
	const char *j = json_string_value(json_object_get(a, "janus"));
	if (!a || !j || strcmp(j, "error") == 0 ||
	    strcmp(json_string_value(json_object_get(a, "transaction")) ?: "", tx) != 0) {
		const char *why =
			json_string_value(json_object_get(json_object_get(a, "error"), "reason"));
		err = fq_fail(e, FQ_ECONFLICT, "video_janus_error", NULL, "Janus: %.200s",
			      why ? why : "a malformed answer");
		json_decref(a);
		return err;
	}
	if (answer)
		*answer = a;
	else
		json_decref(a);
	return FQ_OK;
}

enum fq_err video_janus_room(json_t *request, json_t **response, struct fq_error *e)
{
	json_t *a = NULL;
	enum fq_err err = video_janus_admin(
		"message_plugin",
		json_pack("{s:s, s:o}", "plugin", "janus.plugin.videoroom", "request", request), &a,
		e);
	if (err)
		return err;
	json_t *r = json_object_get(a, "response");
	if (!json_is_object(r) || json_object_get(r, "error_code")) {
		err = fq_fail(e, FQ_ECONFLICT, "video_janus_error", NULL, "VideoRoom: %.200s",
			      json_string_value(json_object_get(r, "error")) ?: "no answer");
		json_decref(a);
		return err;
	}
	if (response)
		*response = json_incref(r);
	json_decref(a);
	return FQ_OK;
}

const char *video_state(void)
{
	if (!cfg.enabled)
		return "unconfigured";
	struct fq_error e;
	return video_janus_admin("ping", NULL, NULL, &e) == FQ_OK ? "ready" : "unreachable";
}

enum fq_err video_janus_grant(int64_t room, const char *secret, const char *token,
			      struct fq_error *e)
{
	/* Janus's tokens are global: this one opens sessions with the
	 * VideoRoom plugin only, and the room's allowed list (below) is what
	 * ties it to this one room */
	enum fq_err err = video_janus_admin(
		"add_token",
		json_pack("{s:s, s:[s]}", "token", token, "plugins", "janus.plugin.videoroom"),
		NULL, e);
	if (err)
		return err;
	return video_janus_room(json_pack("{s:s, s:I, s:s, s:s, s:[s]}", "request", "allowed",
					  "room", (json_int_t)room, "secret", secret, "action",
					  "add", "allowed", token),
				NULL, e);
}

void video_janus_revoke(int64_t room, const char *secret, const char *token)
{
	struct fq_error e;
	if (video_janus_room(json_pack("{s:s, s:I, s:s, s:s, s:[s]}", "request", "allowed", "room",
				       (json_int_t)room, "secret", secret, "action", "remove",
				       "allowed", token),
			     NULL, &e) != FQ_OK) {
		/* a room already destroyed: only the core token is left */
	}
	video_janus_admin("remove_token", json_pack("{s:s}", "token", token), NULL, &e);
}
