/* open311.h - what the Open311 files (open311.c, open311_render.c) share.
 * Not for callers outside interop/. */
#ifndef FQ_OPEN311_H
#define FQ_OPEN311_H

#include <jansson.h>

#include "api/common.h"
#include "interop/interop.h"

/* An XML answer larger than this is not sent (500 in Open311's error
 * shape): a page of O311_LIST_MAX requests stays far below it. */
#define O311_XML_MAX (32 * 1024 * 1024)

/* 1 when the {format} path parameter at fmt_param asks for XML. */
int o311_want_xml(struct req *r, int fmt_param);
/* 1 when the {format} path parameter is json or xml. */
int o311_fmt_ok(struct req *r, int fmt_param);
/* Checks the {format} path parameter at fmt_param: replies 404 (in JSON)
 * and returns 0 when it is neither json nor xml; else sets *xml (when not
 * NULL) and returns 1. */
int o311_format(struct req *r, int fmt_param, int *xml);
/* Replies with body (stolen) as JSON, or as XML under the element root. */
void o311_reply(struct req *r, int xml, int status, const char *root, json_t *body);
/* Replies with the specification's error list: [{"code","description"}]. */
void o311_error(struct req *r, int xml, int status, const char *description);

#endif
