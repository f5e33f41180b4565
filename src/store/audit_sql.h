/* audit_sql.h - the columns of an audit entry, in the order of its
 * canonical form's fields (domain/audit.h), that both engines (and the
 * data migration) write the same way. Included only by them. */
#ifndef FQ_STORE_AUDIT_SQL_H
#define FQ_STORE_AUDIT_SQL_H

#define AUDIT_SQL_COLUMNS "id, at, actor, action, entity, entity_id, detail, prev_hash, hash"

#endif
