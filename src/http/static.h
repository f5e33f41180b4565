/* static.h - the web UI's files under web_root (struct http_config), with
 * content types, ETags and caching headers. Refuses paths that leave the
 * root. */
#ifndef FQ_STATIC_H
#define FQ_STATIC_H

#include "http/req.h"

#define STATIC_FILE_MAX (8 * 1024 * 1024)

void static_serve(struct req *r);
/* The content type for a file name, by extension. */
const char *static_type(const char *name);

#endif
