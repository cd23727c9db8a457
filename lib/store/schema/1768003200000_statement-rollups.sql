-- Up Migration
-- Rollups of the pg_stat_statements history (issue 13): the top-queries read summed every stored
-- delta of its window — 300,000 rows for 1 h of 5,000 busy statements. Per statement, the deltas of
-- each 10-minute bucket and of each hour are summed once, by the statements collector after the
-- bucket has ended (lib/store/statement-rollups.ts), so a 1 h window reads ~5 rollup rows per
-- statement plus the raw deltas at its edges (reads stay exact for any window: the edges and any
-- bucket not rolled up yet come from metric_statement_samples).
--
-- A bucket ending at `at` holds the deltas of the snapshots taken in (at - span_s, at], the same
-- half-open convention as a window (from, to]. Counters are sums; NULL columns (plan time before
-- PG 13, WAL before 13) stay NULL when every delta was NULL.
CREATE TABLE metric_statement_rollups (
  server text NOT NULL,
  span_s integer NOT NULL CHECK (span_s IN (600, 3600)),
  at timestamptz NOT NULL,
  queryid bigint NOT NULL,
  datname text NOT NULL,
  username text NOT NULL,
  toplevel boolean NOT NULL,
  calls bigint NOT NULL,
  exec_ms double precision NOT NULL,
  plan_ms double precision,
  rows bigint,
  shared_blks_hit bigint,
  shared_blks_read bigint,
  temp_blks bigint,
  wal_bytes numeric,
  blk_read_ms double precision,
  PRIMARY KEY (server, span_s, at, queryid, datname, username, toplevel)
) PARTITION BY RANGE (at);
-- Text pruning asks "does anything still reference this queryid?"
CREATE INDEX metric_statement_rollups_query_idx ON metric_statement_rollups (server, queryid);

-- One row per bucket rolled up (also when nothing ran in it), written in the same statement as the
-- bucket's rows: a read uses a bucket's rollup rows only when its mark exists, else the raw deltas.
CREATE TABLE metric_statement_rollup_marks (
  server text NOT NULL,
  span_s integer NOT NULL CHECK (span_s IN (600, 3600)),
  at timestamptz NOT NULL,
  PRIMARY KEY (server, span_s, at)
) PARTITION BY RANGE (at);

-- Same retention as the raw deltas they summarize (dropped by whole daily partitions).
INSERT INTO metric_partitioned_tables VALUES
  ('metric_statement_rollups', 'history'), ('metric_statement_rollup_marks', 'history');

-- metric_statement_texts grew forever: a statement that stopped running kept its text after its
-- deltas were dropped. The retention step (after dropping partitions) deletes the texts nothing
-- references any more. The console's role has no DELETE on the history (append-only), so this
-- SECURITY DEFINER function is the only delete it can cause: texts first seen within `keep_days`
-- stay (the collector stores a new statement's text just before its first delta).
CREATE FUNCTION pgwarden_statement_texts_prune(keep_days integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  n integer;
BEGIN
  IF keep_days < 1 THEN
    RAISE EXCEPTION 'pgwarden: texts are kept at least one day';
  END IF;
  DELETE FROM public.metric_statement_texts t
   WHERE t.first_seen < now() - keep_days * interval '1 day'
     AND NOT EXISTS (SELECT FROM public.metric_statement_samples s WHERE s.server = t.server AND s.queryid = t.queryid)
     AND NOT EXISTS (SELECT FROM public.metric_statement_rollups r WHERE r.server = t.server AND r.queryid = t.queryid);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
REVOKE ALL ON FUNCTION pgwarden_statement_texts_prune(integer) FROM PUBLIC;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    REVOKE ALL ON metric_statement_rollups, metric_statement_rollup_marks FROM pgwarden_store_app;
    GRANT SELECT, INSERT ON metric_statement_rollups, metric_statement_rollup_marks TO pgwarden_store_app;
    GRANT EXECUTE ON FUNCTION pgwarden_statement_texts_prune(integer) TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DROP FUNCTION pgwarden_statement_texts_prune(integer);
DELETE FROM metric_partitioned_tables WHERE name IN ('metric_statement_rollups', 'metric_statement_rollup_marks');
DROP TABLE metric_statement_rollup_marks;
DROP TABLE metric_statement_rollups;
