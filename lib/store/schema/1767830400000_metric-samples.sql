-- Up Migration
-- Metric history written by the sampler (lib/monitoring). Raw counters are stored as read; rates are
-- computed when read (lib/monitoring/rates.ts), so a stats reset or a restart can be recognised
-- afterwards: postmaster_start, stats_reset and db_epoch travel with every point.
--
-- Resolution kept:
--   metric_server_samples / metric_database_samples   every sample (15 s by default), 2 days
--   metric_server_hourly  / metric_database_hourly    one point per hour, PGWARDEN_METRICS_RETENTION_DAYS
--   metric_database_sizes                             every 5 minutes, PGWARDEN_METRICS_RETENTION_DAYS
-- All are range-partitioned by day (UTC); retention drops whole partitions (no DELETE, no bloat).

CREATE TABLE metric_server_samples (
  server text NOT NULL,
  at timestamptz NOT NULL,
  postmaster_start timestamptz,
  version_num integer,
  in_recovery boolean,
  max_connections integer,
  -- client backends by state (the sampler's own session excluded); gauges are real because
  -- coarser points hold averages (0.3 active sessions on average is a fact worth keeping)
  conn_active real,
  conn_idle real,
  conn_idle_in_xact real,
  conn_total real,
  -- active client backends by wait_event_type (cpu = active and not waiting)
  wait_cpu real,
  wait_lock real,
  wait_lwlock real,
  wait_io real,
  wait_ipc real,
  wait_client real,
  wait_other real,
  longest_xact_s double precision,
  oldest_xmin_age bigint,
  av_workers real,
  av_max_workers integer,
  -- WAL positions in bytes from 0/0: current on a primary, received/replayed on a standby
  wal_lsn bigint,
  receive_lsn bigint,
  replay_lsn bigint,
  replay_lag_s double precision,
  -- on a primary: the furthest standby behind (pg_stat_replication)
  standby_lag_bytes bigint,
  standby_lag_s double precision,
  ckpt_timed bigint,
  ckpt_requested bigint,
  ckpt_buffers bigint,
  ckpt_write_ms double precision,
  ckpt_sync_ms double precision,
  ckpt_reset timestamptz,
  -- pg_stat_database summed over the server's databases; db_epoch changes whenever a database is
  -- created, dropped or has its statistics reset, so a sum that jumps or falls has no rate
  xact_commit bigint,
  xact_rollback bigint,
  blks_read bigint,
  blks_hit bigint,
  tup_returned bigint,
  tup_fetched bigint,
  tup_inserted bigint,
  tup_updated bigint,
  tup_deleted bigint,
  temp_files bigint,
  temp_bytes bigint,
  deadlocks bigint,
  db_epoch integer,
  PRIMARY KEY (server, at)
) PARTITION BY RANGE (at);

CREATE TABLE metric_database_samples (
  server text NOT NULL,
  datname text NOT NULL,
  at timestamptz NOT NULL,
  datid bigint NOT NULL,
  postmaster_start timestamptz,
  stats_reset timestamptz,
  backends real,
  conn_active real,
  conn_idle real,
  conn_idle_in_xact real,
  xact_commit bigint,
  xact_rollback bigint,
  blks_read bigint,
  blks_hit bigint,
  tup_returned bigint,
  tup_fetched bigint,
  tup_inserted bigint,
  tup_updated bigint,
  tup_deleted bigint,
  temp_files bigint,
  temp_bytes bigint,
  deadlocks bigint,
  PRIMARY KEY (server, datname, at)
) PARTITION BY RANGE (at);

-- Hourly rollups: `at` is the start of the hour, `last_at` the time of the last sample in it
-- (rates divide by the distance between last samples); gauges are averaged or maxed, counters and
-- epochs are the hour's last values (see lib/store/metric-columns.ts).
CREATE TABLE metric_server_hourly (LIKE metric_server_samples INCLUDING DEFAULTS) PARTITION BY RANGE (at);
ALTER TABLE metric_server_hourly ADD COLUMN last_at timestamptz NOT NULL, ADD COLUMN samples integer NOT NULL,
  ADD PRIMARY KEY (server, at);
CREATE TABLE metric_database_hourly (LIKE metric_database_samples INCLUDING DEFAULTS) PARTITION BY RANGE (at);
ALTER TABLE metric_database_hourly ADD COLUMN last_at timestamptz NOT NULL, ADD COLUMN samples integer NOT NULL,
  ADD PRIMARY KEY (server, datname, at);

CREATE TABLE metric_database_sizes (
  server text NOT NULL,
  datname text NOT NULL,
  at timestamptz NOT NULL,
  size_bytes bigint,
  PRIMARY KEY (server, datname, at)
) PARTITION BY RANGE (at);

-- Which partitioned tables the partition function manages and how long they keep data:
-- 'raw' = 2 days, 'history' = PGWARDEN_METRICS_RETENTION_DAYS. Later collectors (statements,
-- PgBouncer pools) add their own tables here in their migrations.
CREATE TABLE metric_partitioned_tables (
  name text PRIMARY KEY,
  retention text NOT NULL CHECK (retention IN ('raw', 'history'))
);
INSERT INTO metric_partitioned_tables VALUES
  ('metric_server_samples', 'raw'), ('metric_database_samples', 'raw'),
  ('metric_server_hourly', 'history'), ('metric_database_hourly', 'history'),
  ('metric_database_sizes', 'history');

-- The last outcome of sampling each server, for the fleet's up/down ("down since 03:12").
CREATE TABLE metric_server_state (
  server text PRIMARY KEY,
  ok boolean NOT NULL,
  -- DbError code and message (never remote bytes: see lib/pg/errors.ts)
  error_code text,
  error text,
  since timestamptz NOT NULL,
  checked_at timestamptz NOT NULL
);

-- Scale-out: each configured server is sampled by the one replica holding its lease
-- (claimed with FOR UPDATE SKIP LOCKED, renewed every quarter interval, expiring after 1.25).
CREATE TABLE sampler_leases (
  server text PRIMARY KEY,
  owner text,
  expires_at timestamptz NOT NULL DEFAULT '-infinity',
  acquired_at timestamptz
);
CREATE INDEX sampler_leases_owner_idx ON sampler_leases (owner);
-- Live replicas (heartbeat), so each takes about its share of the servers.
CREATE TABLE sampler_replicas (
  owner text PRIMARY KEY,
  seen_at timestamptz NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);

-- Partition DDL needs ownership of the parent tables, which the console's app role must not have:
-- these two SECURITY DEFINER functions are the only DDL it can cause, with integers and dates as
-- input and names taken from metric_partitioned_tables (which only migrations write).
CREATE FUNCTION pgwarden_metric_partitions_ensure(from_day date, to_day date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  t record;
  d date;
  part text;
  created integer := 0;
BEGIN
  IF to_day < from_day OR to_day - from_day > 40 THEN
    RAISE EXCEPTION 'pgwarden: at most 40 days of partitions at once (% .. %)', from_day, to_day;
  END IF;
  -- Replicas call this concurrently; one at a time avoids "relation already exists" races.
  PERFORM pg_advisory_xact_lock(hashtext('pgwarden-metric-partitions'));
  -- DDL on a partition locks its parent: never queue the sampler's inserts behind a long chart read.
  PERFORM set_config('lock_timeout', '5s', true);
  FOR t IN SELECT name FROM public.metric_partitioned_tables ORDER BY name LOOP
    d := from_day;
    WHILE d <= to_day LOOP
      part := t.name || '_p' || to_char(d, 'YYYYMMDD');
      IF to_regclass(format('public.%I', part)) IS NULL THEN
        EXECUTE format('CREATE TABLE public.%I PARTITION OF public.%I FOR VALUES FROM (%L) TO (%L)',
                       part, t.name, (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
        created := created + 1;
      END IF;
      d := d + 1;
    END LOOP;
  END LOOP;
  RETURN created;
END
$$;

CREATE FUNCTION pgwarden_metric_partitions_drop(raw_days integer, history_days integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  r record;
  today date := (now() AT TIME ZONE 'UTC')::date;
  dropped integer := 0;
BEGIN
  IF raw_days < 1 OR history_days < 1 THEN
    RAISE EXCEPTION 'pgwarden: retention must be at least one day';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('pgwarden-metric-partitions'));
  PERFORM set_config('lock_timeout', '5s', true);
  FOR r IN
    SELECT c.relname, CASE m.retention WHEN 'raw' THEN raw_days ELSE history_days END AS keep
      FROM public.metric_partitioned_tables m
      JOIN pg_inherits i ON i.inhparent = to_regclass(format('public.%I', m.name))
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE c.relname ~ '_p[0-9]{8}$'
  LOOP
    -- A partition holds [day, day + 1): it goes once all of it is older than `keep` days.
    IF to_date(right(r.relname, 8), 'YYYYMMDD') + 1 <= today - r.keep THEN
      BEGIN
        EXECUTE format('DROP TABLE public.%I', r.relname);
        dropped := dropped + 1;
      EXCEPTION WHEN lock_not_available THEN
        NULL; -- a long read holds the parent: the next hourly run drops it
      END;
    END IF;
  END LOOP;
  RETURN dropped;
END
$$;

REVOKE ALL ON FUNCTION pgwarden_metric_partitions_ensure(date, date) FROM PUBLIC;
REVOKE ALL ON FUNCTION pgwarden_metric_partitions_drop(integer, integer) FROM PUBLIC;

-- The console's login (pgwarden_store_app, lib/store/roles.ts) gets exactly what the sampler and the
-- charts need. The owner's default privileges would give it UPDATE and DELETE on every new table:
-- metric history is append-only for the console (retention drops partitions through the function
-- above), and metric_partitioned_tables is read-only because the partition functions trust its names.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    REVOKE ALL ON metric_server_samples, metric_database_samples, metric_server_hourly,
                  metric_database_hourly, metric_database_sizes, metric_partitioned_tables FROM pgwarden_store_app;
    GRANT SELECT, INSERT ON metric_server_samples, metric_database_samples, metric_server_hourly,
                            metric_database_hourly, metric_database_sizes TO pgwarden_store_app;
    GRANT SELECT ON metric_partitioned_tables TO pgwarden_store_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON metric_server_state, sampler_leases, sampler_replicas TO pgwarden_store_app;
    GRANT EXECUTE ON FUNCTION pgwarden_metric_partitions_ensure(date, date) TO pgwarden_store_app;
    GRANT EXECUTE ON FUNCTION pgwarden_metric_partitions_drop(integer, integer) TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DROP FUNCTION pgwarden_metric_partitions_drop(integer, integer);
DROP FUNCTION pgwarden_metric_partitions_ensure(date, date);
DROP TABLE sampler_replicas;
DROP TABLE sampler_leases;
DROP TABLE metric_server_state;
DROP TABLE metric_partitioned_tables;
DROP TABLE metric_database_sizes;
DROP TABLE metric_database_hourly;
DROP TABLE metric_server_hourly;
DROP TABLE metric_database_samples;
DROP TABLE metric_server_samples;
