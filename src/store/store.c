/* store.c - picks an engine for a --db value. */
#include "store/store.h"
#include "util/text.h"

#include <string.h>

const struct store_ops *store_engine_for(const char *url)
{
	if (text_starts_with(url, "postgresql://") || text_starts_with(url, "postgres://"))
		return &store_pg_ops;
	return &store_sqlite_ops;
}
