-- Up Migration
-- PgBouncer pool history (issue 14): SHOW POOLS of each "kind": "pgbouncer" entry every sample
-- interval, one row per pool (database, user), for the PgBouncer page's charts. The classic failure
-- it shows after the fact: clients queueing in PgBouncer (cl_waiting, maxwait) while PostgreSQL
-- looked idle. Raw points, kept like the other raw samples (2 days: 'raw' retention), in daily
-- partitions that retention drops (pgwarden_metric_partitions_* read metric_partitioned_tables).
-- Longer history belongs in Prometheus.

CREATE TABLE metric_pgbouncer_pools (
  -- the PgBouncer entry's id in the servers file
  server text NOT NULL,
  database text NOT NULL,
  username text NOT NULL,
  at timestamptz NOT NULL,
  cl_active integer NOT NULL,
  -- clients queued for a server connection, and how long the oldest of them has waited
  cl_waiting integer NOT NULL,
  maxwait_ms double precision NOT NULL,
  sv_active integer NOT NULL,
  sv_idle integer NOT NULL,
  sv_used integer NOT NULL,
  pool_mode text,
  PRIMARY KEY (server, database, username, at)
) PARTITION BY RANGE (at);

INSERT INTO metric_partitioned_tables VALUES ('metric_pgbouncer_pools', 'raw');

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    REVOKE ALL ON metric_pgbouncer_pools FROM pgwarden_store_app;
    GRANT SELECT, INSERT ON metric_pgbouncer_pools TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DELETE FROM metric_partitioned_tables WHERE name = 'metric_pgbouncer_pools';
DROP TABLE metric_pgbouncer_pools;
