/* fuzz_http.c - our side of request parsing and routing on arbitrary
 * bytes: the input is split as "METHOD PATH?QUERY\n" + body; the path is
 * URI-decoded and routed over the real route table, the query parsed, and
 * the body parsed as a JSON body with the depth limit. libevent's own
 * parser is exercised by the API tests; this covers what we add to it. */
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <sys/queue.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int registered;
	if (!registered) {
		app_register_routes();
		registered = 1;
	}
	const char *p = (const char *)data;
	const char *nl = memchr(p, '\n', size);
	size_t head = nl ? (size_t)(nl - p) : size;
	if (head > HTTP_PATH_MAX)
		return 0;
	char line[HTTP_PATH_MAX + 1];
	memcpy(line, p, head);
	line[head] = 0;
	if (strlen(line) != head)
		return 0; /* a NUL inside the request line: refused earlier */
	char *sp = strchr(line, ' ');
	enum http_method m = M_GET;
	char *target = line;
	if (sp) {
		*sp = 0;
		m = strcmp(line, "POST") == 0     ? M_POST
		    : strcmp(line, "DELETE") == 0 ? M_DELETE
						  : M_GET;
		target = sp + 1;
	}
	char *q = strchr(target, '?');
	if (q)
		*q++ = 0;
	size_t dlen = 0;
	char *path = evhttp_uridecode(target, 0, &dlen);
	if (path && dlen < HTTP_PATH_MAX && !memchr(path, 0, dlen)) {
		const char *params[HTTP_ROUTE_PARAMS];
		char buf[HTTP_PATH_MAX];
		unsigned allowed;
		int ri = router_match(m, path, params, buf, sizeof buf, &allowed);
		if (ri >= 0) {
			for (int i = 0; i < HTTP_ROUTE_PARAMS && params[i]; i++)
				if (strlen(params[i]) >= HTTP_PATH_MAX)
					__builtin_trap();
		}
	}
	free(path);
	if (q) {
		struct evkeyvalq kv;
		TAILQ_INIT(&kv);
		evhttp_parse_query_str(q, &kv);
		evhttp_clear_headers(&kv);
	}
	if (nl) {
		json_t *body = NULL;
		struct fq_error e = {0};
		if (http_parse_json(nl + 1, size - head - 1, &body, &e) == FQ_OK) {
			if (!json_is_object(body))
				__builtin_trap();
			json_decref(body);
		} else if (!e.code) {
			__builtin_trap(); /* every refusal names its code */
		}
	}
	return 0;
}
