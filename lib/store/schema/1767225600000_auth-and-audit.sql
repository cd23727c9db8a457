-- Up Migration
-- The console's own state: users, per-server roles, sessions, sign-in throttling, audit log.

CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$'),
  -- scrypt$N$r$p$salt$hash: parameters travel with the hash so they can be raised later.
  password_hash text NOT NULL,
  default_role text NOT NULL CHECK (default_role IN ('viewer', 'operator', 'admin')),
  disabled boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);
-- Names are unique case-insensitively so "Admin" and "admin" share one lockout.
CREATE UNIQUE INDEX users_name_key ON users (lower(name));

CREATE TABLE user_server_roles (
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  server text NOT NULL,
  role text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  PRIMARY KEY (user_id, server)
);

-- Only the SHA-256 of a session token is stored: a copy of this table signs nobody in.
CREATE TABLE sessions (
  token_sha256 bytea PRIMARY KEY CHECK (length(token_sha256) = 32),
  user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  client_addr text
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

-- One row per throttled key ("user:<name>" or "addr:<address>"), shared by every replica.
CREATE TABLE login_throttle (
  key text PRIMARY KEY,
  failures integer NOT NULL,
  window_start timestamptz NOT NULL,
  locked_until timestamptz
);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  -- intent: written before acting; outcome: after (intent_id points back); event: one-shot (sign-in, denied)
  kind text NOT NULL CHECK (kind IN ('intent', 'outcome', 'event')),
  intent_id bigint REFERENCES audit_log (id),
  user_id bigint,
  user_name text,
  role text,
  server text,
  database text,
  action text NOT NULL,
  target_pid integer,
  target_backend_start timestamptz,
  target_oid bigint,
  target_name text,
  params jsonb NOT NULL DEFAULT '{}',
  client_addr text,
  outcome text CHECK (outcome IN ('ok', 'already_gone', 'changed', 'denied', 'failed', 'unknown', 'skipped')),
  sqlstate text CHECK (sqlstate ~ '^[0-9A-Z]{5}$'),
  detail text,
  CHECK ((kind = 'intent') = (outcome IS NULL))
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_server_at_idx ON audit_log (server, at);
CREATE INDEX audit_log_intent_id_idx ON audit_log (intent_id);

-- Append-only: even the table owner cannot rewrite history without dropping the trigger first.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

-- The running console uses a NOLOGIN role (SET ROLE at connect) that may only INSERT/SELECT the
-- audit log, so a bug or injection in the app cannot disable the trigger (that needs ownership).
-- Skipped where the migrating user may not create roles (some managed stores): the trigger remains.
DO $$
DECLARE
  can_create boolean;
BEGIN
  SELECT rolsuper OR rolcreaterole INTO can_create FROM pg_roles WHERE rolname = current_user;
  IF can_create AND NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    BEGIN
      CREATE ROLE pgwarden_store_app NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- another store database in this cluster created it at the same moment
    END;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    IF NOT pg_has_role(current_user, 'pgwarden_store_app', 'MEMBER') THEN
      BEGIN
        EXECUTE format('GRANT pgwarden_store_app TO %I', current_user);
      EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'pgwarden: could not grant pgwarden_store_app to %: %', current_user, SQLERRM;
      END;
    END IF;
    GRANT USAGE ON SCHEMA public TO pgwarden_store_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON users, user_server_roles, sessions, login_throttle TO pgwarden_store_app;
    GRANT SELECT, INSERT ON audit_log TO pgwarden_store_app;
    GRANT SELECT ON pgmigrations TO pgwarden_store_app;
    -- Later migrations (jobs, metric samples) get ordinary DML without remembering to grant it.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pgwarden_store_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE login_throttle;
DROP TABLE sessions;
DROP TABLE user_server_roles;
DROP TABLE users;
