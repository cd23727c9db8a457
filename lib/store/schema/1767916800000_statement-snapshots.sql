-- Up Migration
-- pg_stat_statements history (issue 13), written by the statements collector
-- (lib/monitoring/collectors/statements.ts) once a minute. Each row is one statement's DELTA over
-- one snapshot interval, and only statements whose calls changed get a row: 5,000 statements of
-- which 300 ran in a minute store 300 rows, not 5,000. The delta is computed by the collector
-- against the previous snapshot it holds in memory, reset-aware: a statement whose counters went
-- down (pg_stat_statements_reset(), eviction and re-entry) or any statement after the module's
-- stats_reset moved counts its current value as the interval's delta — never a negative or a
-- huge one. pgwarden itself never calls pg_stat_statements_reset().
CREATE TABLE metric_statement_samples (
  server text NOT NULL,
  at timestamptz NOT NULL,
  queryid bigint NOT NULL,
  datname text NOT NULL,
  username text NOT NULL,
  -- false for statements run inside functions (pg_stat_statements.track = all, 14+)
  toplevel boolean NOT NULL,
  calls bigint NOT NULL,
  exec_ms double precision NOT NULL,
  plan_ms double precision,
  rows bigint,
  shared_blks_hit bigint,
  shared_blks_read bigint,
  temp_blks bigint,
  wal_bytes numeric,
  blk_read_ms double precision
) PARTITION BY RANGE (at);
CREATE INDEX metric_statement_samples_at_idx ON metric_statement_samples (server, at);
CREATE INDEX metric_statement_samples_query_idx ON metric_statement_samples (server, queryid, at);

-- One row per snapshot taken, whether or not anything ran: the window's coverage, evictions
-- (pg_stat_statements_info.dealloc, 14+) and resets seen.
CREATE TABLE metric_statement_snapshots (
  server text NOT NULL,
  at timestamptz NOT NULL,
  -- false: the first snapshot after a (re)start of the collector, a baseline without deltas
  has_deltas boolean NOT NULL,
  entries integer NOT NULL,
  max_entries integer,
  -- entries whose text and queryid the console's role may not see (no pg_read_all_stats)
  hidden integer NOT NULL DEFAULT 0,
  dealloc_delta bigint,
  stats_reset timestamptz,
  reset_seen boolean NOT NULL DEFAULT false,
  PRIMARY KEY (server, at)
) PARTITION BY RANGE (at);

-- Normalized text per statement, redacted (lib/pg/redact.ts) before it is stored.
CREATE TABLE metric_statement_texts (
  server text NOT NULL,
  queryid bigint NOT NULL,
  query text NOT NULL,
  first_seen timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (server, queryid)
);

INSERT INTO metric_partitioned_tables VALUES
  ('metric_statement_samples', 'history'), ('metric_statement_snapshots', 'history');

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    REVOKE ALL ON metric_statement_samples, metric_statement_snapshots, metric_statement_texts FROM pgwarden_store_app;
    GRANT SELECT, INSERT ON metric_statement_samples, metric_statement_snapshots, metric_statement_texts TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DELETE FROM metric_partitioned_tables WHERE name IN ('metric_statement_samples', 'metric_statement_snapshots');
DROP TABLE metric_statement_texts;
DROP TABLE metric_statement_snapshots;
DROP TABLE metric_statement_samples;
