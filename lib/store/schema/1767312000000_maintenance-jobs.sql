-- Up Migration
-- Maintenance jobs (VACUUM / ANALYZE / REINDEX) and their history. At most one job per
-- (server, database) runs at a time; the replica running one holds a session advisory lock on
-- hashtextextended('pgwarden-job:' || server || '/' || database), so a 'running' row whose lock
-- nobody holds belongs to a console process that died (lib/store/jobs.ts marks it unknown).

CREATE TABLE maintenance_jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint,
  user_name text,
  role text,
  client_addr text,
  server text NOT NULL,
  database text NOT NULL,
  relation_oid bigint NOT NULL,
  -- as the catalog named it when the job was queued (schema.name, quoted where needed)
  relation_name text NOT NULL,
  command text NOT NULL CHECK (command IN ('vacuum', 'vacuum_analyze', 'vacuum_full', 'analyze', 'reindex_index', 'reindex_table')),
  options jsonb NOT NULL DEFAULT '{}',
  lock_timeout_ms integer NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done')),
  outcome text CHECK (outcome IN ('ok', 'skipped', 'blocked', 'cancelled', 'refused', 'failed', 'unknown')),
  queued_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  started_at timestamptz,
  finished_at timestamptz,
  -- which console process claimed it (host:pid:random), for people reading the history
  owner text,
  backend_pid integer,
  backend_start timestamptz,
  statement text,
  message text,
  sqlstate text CHECK (sqlstate ~ '^[0-9A-Z]{5}$'),
  notices jsonb NOT NULL DEFAULT '[]',
  blocked_by integer[],
  cancel_requested_at timestamptz,
  cancel_requested_by text,
  -- the audit intent row (no foreign key: audit_log stays append-only and TRUNCATE keeps failing on its trigger)
  audit_intent_id bigint,
  CHECK ((state = 'done') = (outcome IS NOT NULL))
);
-- The queue: the oldest queued job of a database is claimed first.
CREATE INDEX maintenance_jobs_queue_idx ON maintenance_jobs (server, database, id) WHERE state <> 'done';
CREATE INDEX maintenance_jobs_history_idx ON maintenance_jobs (server, database, id DESC);

-- Default privileges from the first migration cover tables created later by the same role, but
-- not when the store role was made by another migrating user: grant explicitly where it exists.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    GRANT SELECT, INSERT, UPDATE ON maintenance_jobs TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DROP TABLE maintenance_jobs;
