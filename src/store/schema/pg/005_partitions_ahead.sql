-- 005_partitions_ahead.sql: partitions are made outside the transactions
-- that write cases and audit entries. Making one inside the writer's batch
-- held the partition lock (and then a lock on the parent table) while the
-- batch went on to wait for the audit chain's lock, which a CLI command
-- could hold while waiting for the partition lock: a deadlock. Now the store
-- calls fq_ensure_ahead() between transactions, when it holds no lock, and
-- inserts only ever land in partitions that exist a whole range ahead.

-- The fast path takes no lock: a range that is already covered returns at
-- once.
CREATE OR REPLACE FUNCTION fq_ensure_partitions(p_table text, p_upto bigint) RETURNS bigint
LANGUAGE plpgsql SET lock_timeout = '1s' AS $$
DECLARE
  v_chunk bigint;
  v_hi bigint;
  v_name text;
BEGIN
  SELECT coalesce(max(hi), 0) INTO v_hi FROM partitions WHERE tbl = p_table;
  IF v_hi > p_upto THEN
    RETURN v_hi;
  END IF;
  PERFORM pg_advisory_xact_lock(7378421339226419056);
  SELECT chunk INTO STRICT v_chunk FROM partition_plan WHERE tbl = p_table;
  SELECT coalesce(max(hi), 0) INTO v_hi FROM partitions WHERE tbl = p_table;
  WHILE v_hi <= p_upto LOOP
    v_name := p_table || '_p' || v_hi;
    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%s) TO (%s)',
                   v_name, p_table, v_hi, v_hi + v_chunk);
    INSERT INTO partitions VALUES (p_table, v_hi, v_hi + v_chunk, v_name);
    v_hi := v_hi + v_chunk;
  END LOOP;
  RETURN v_hi;
END $$;

-- A whole empty range beyond the highest case id (or the sequence, if it is
-- ahead) and the highest audit id, in every partitioned table. Run it in a
-- transaction of its own: it takes the partition lock first, so concurrent
-- callers queue instead of upgrading their locks on the parents against
-- each other. Returns the bounds now covered and the range widths.
CREATE FUNCTION fq_ensure_ahead(OUT case_high bigint, OUT case_chunk bigint,
                                OUT audit_high bigint, OUT audit_chunk bigint)
LANGUAGE plpgsql SET lock_timeout = '1s' AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7378421339226419056);
  case_high := fq_ensure_cases(greatest(coalesce((SELECT max(id) FROM cases), 0),
                                        (SELECT last_value FROM cases_id_seq)));
  audit_high := fq_ensure_audit(coalesce((SELECT max(id) FROM audit_log), 0));
  SELECT chunk INTO case_chunk FROM partition_plan WHERE tbl = 'cases';
  SELECT chunk INTO audit_chunk FROM partition_plan WHERE tbl = 'audit_log';
END $$;
