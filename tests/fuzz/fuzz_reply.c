/* fuzz_reply.c - the reply side of the transport on arbitrary bytes: an
 * error answer built from any text (as code, message and field, and
 * through fq_fail, which cuts and cleans messages) is always JSON of the
 * house shape with its exact length; and request headers pass the framing
 * checks (smuggling, Host) only when a Host that an answer quotes, as Open311
 * discovery does, still renders as JSON. Input: one byte choosing HTTP/1.0
 * or 1.1, then "Key: value" lines; the whole input is also the text. */
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/dispatch.h"
#include "http/req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The error body must render, with its length, and read back. */
static void check_error(const char *code, const char *message, const char *field)
{
	json_t *j = http_error_json(code, message, field);
	if (!j)
		__builtin_trap();
	int status = 400;
	size_t len = 0;
	char *out = http_render_json(j, &status, &len);
	if (!out || status != 400 || strlen(out) != len)
		__builtin_trap();
	json_t *back = json_loadb(out, len, 0, NULL);
	if (!back || !json_is_string(json_object_get(json_object_get(back, "error"), "code")) ||
	    !json_is_string(json_object_get(json_object_get(back, "error"), "message")))
		__builtin_trap();
	json_decref(back);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;

	/* 1. any text in an error answer */
	struct fq_error e;
	fq_fail(&e, FQ_EINVAL, "x", NULL, "value %s is wrong", text);
	json_t *m = json_string(e.message); /* jansson's own UTF-8 check */
	if (!m)
		__builtin_trap();
	json_decref(m);
	check_error(text, text, text);
	check_error(e.code, e.message, NULL);
	{
		int status = 200;
		size_t len = 0;
		if (http_render_json(NULL, &status, &len) != NULL || status != 500 || len == 0)
			__builtin_trap(); /* a missing body is a 500 with the fixed answer */
	}

	/* 2. the framing checks over headers made of the input */
	struct evhttp_request *req = evhttp_request_new(NULL, NULL);
	if (!req) {
		free(text);
		return 0;
	}
	req->major = 1;
	req->minor = size && (data[0] & 1) ? 1 : 0;
	struct evkeyvalq *in = evhttp_request_get_input_headers(req);
	char *line = size ? text + 1 : text;
	for (int n = 0; line && *line && n < 64; n++) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		char *colon = strchr(line, ':');
		if (colon && colon > line) {
			*colon = 0;
			char *v = colon + 1;
			while (*v == ' ')
				v++;
			evhttp_add_header(in, line,
					  v); /* refuses CR/LF itself, as the parser does */
		}
		line = nl ? nl + 1 : NULL;
	}
	const char *msg = NULL, *code = http_framing_error(req, &msg);
	if (code) {
		if (!msg)
			__builtin_trap();
		check_error(code, msg, NULL);
	} else {
		const char *host = evhttp_find_header(in, "Host");
		if (req->minor == 1 && !host)
			__builtin_trap(); /* an HTTP/1.1 request without Host got through */
		if (host) {
			char url[512];
			snprintf(url, sizeof url,
				 "http:"
				 "//%s/open311/v2",
				 host);
			json_t *d = json_pack("{s:s}", "discovery", url);
			if (!d)
				__builtin_trap(); /* an accepted Host that cannot be quoted */
			json_decref(d);
		}
	}
	evhttp_request_free(req);
	free(text);
	return 0;
}
