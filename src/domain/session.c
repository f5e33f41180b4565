/* session.c - the session lifetime rule. */
#include "domain/session.h"

int session_alive(int64_t created, int64_t seen, int64_t now)
{
	return now - seen <= SESSION_IDLE_S && now - created <= SESSION_MAX_S && now >= created;
}
