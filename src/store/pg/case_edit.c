/* pg/case_edit.c - the facts of a case rewritten with its search index
 * (store/case_edit.h). case_search keeps one row a case, which
 * pg_case_reindex overwrites. */
#include "store/pg/pg_internal.h"
#include "store/case_edit.h"
#include "store/shared.h"

enum fq_err pg_case_facts_set(struct store_conn *c, int64_t id, json_t *fields, json_t *address,
			      json_t *parties)
{
	static const char addr[] = "UPDATE cases SET address = $2::text WHERE id = $1";
	enum fq_err err;
	if (fields && (err = shared_case_update(c, id, fields)))
		return err;
	if (address) {
		struct args a = {0};
		pg_a_i64(&a, id);
		pg_a_json(&a, address);
		if ((err = pg_exec_args(c, addr, &a, "case_address")))
			return err;
	}
	if (parties && (err = pg_party_replace(c, id, parties)))
		return err;
	return pg_case_reindex(c, id);
}
