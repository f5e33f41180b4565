/* static.c - GET and HEAD of files. "/" is index.html. HTML and modules are
 * revalidated each time (no-cache + ETag) so a deploy shows at once; vendor
 * files are cached for a day. */
#include "http/static.h"
#include "http/server.h"
#include "util/text.h"

#include <event2/buffer.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *static_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
		{".webmanifest", "application/manifest+json"},
		{".woff2", "font/woff2"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int safe_path(const char *p)
{
	if (p[0] != '/')
		return 0;
	if (strstr(p, "/.") || strchr(p, '\\'))
		return 0; /* no dot files, no "..", no backslashes */
	return 1;
}

void static_serve(struct req *r)
{
	const char *p = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
	if (!safe_path(p)) {
		reply_err(r, "not_found", "no such file", NULL);
		return;
	}
	char full[2048 + 1024];
	int n = snprintf(full, sizeof full, "%s%s", r->http->web_root, p);
	if (n < 0 || (size_t)n >= sizeof full) {
		reply_err(r, "not_found", "no such file", NULL);
		return;
	}
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > STATIC_FILE_MAX) {
		if (fd >= 0)
			close(fd);
		reply_err(r, "not_found", "no such file", NULL);
		return;
	}
	char etag[64];
	snprintf(etag, sizeof etag, "\"%" PRIx64 "-%" PRIx64 "\"", (uint64_t)st.st_mtime,
		 (uint64_t)st.st_size);
	http_set_header(r, "ETag", etag);
	http_set_header(r, "Cache-Control",
			text_starts_with(p, "/vendor/") ? "public, max-age=86400" : "no-cache");
	http_set_header(r, "Content-Type", static_type(p));
	const char *inm = req_header(r, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		reply_text(r, 304, NULL, NULL, 0);
		return;
	}
	if (r->method == M_HEAD) {
		close(fd);
		char len[32];
		snprintf(len, sizeof len, "%" PRId64, (int64_t)st.st_size);
		http_set_header(r, "Content-Length", len);
		reply_text(r, 200, NULL, NULL, 0);
		return;
	}
	struct evbuffer *b = evbuffer_new();
	if (!b) {
		close(fd);
		reply_err(r, "busy", "out of memory; try again", NULL);
		return;
	}
	if (st.st_size > 0 && evbuffer_add_file(b, fd, 0, st.st_size) != 0) {
		close(fd);
		evbuffer_free(b);
		reply_err(r, "internal", "cannot read the file", NULL);
		return;
	}
	if (st.st_size == 0)
		close(fd);
	/* hand the buffer over: reply_text copies, so send directly */
	size_t len = evbuffer_get_length(b);
	char *data = len ? (char *)evbuffer_pullup(b, -1) : NULL;
	if (len && !data)
		reply_err(r, "busy", "out of memory; try again", NULL);
	else
		reply_text(r, 200, NULL, data, len);
	evbuffer_free(b);
}
