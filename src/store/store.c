/* store.c - picks an engine for a --db value. */
#include "store/store.h"

#include <string.h>

const struct store_ops *store_engine_for(const char *url)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
		return &store_pg_ops;
	return &store_sqlite_ops;
}
