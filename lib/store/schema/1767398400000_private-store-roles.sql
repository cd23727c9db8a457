-- Up Migration
-- The console now logs in as a member of pgwarden_store_app instead of SET ROLE on a superuser
-- (which `SET ROLE NONE` undid), and migrations run as the schema owner. Restate exactly what the
-- app role may do: ordinary DML on the console's tables, and on audit_log only SELECT and INSERT.
-- Where the role does not exist (an external store whose DBA has not created it yet) the console
-- refuses to start with the GRANT to run, so nothing is silently missing.
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    GRANT USAGE ON SCHEMA public TO pgwarden_store_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON users, user_server_roles, sessions, login_throttle TO pgwarden_store_app;
    REVOKE ALL ON audit_log FROM pgwarden_store_app;
    GRANT SELECT, INSERT ON audit_log TO pgwarden_store_app;
    GRANT SELECT, INSERT, UPDATE ON maintenance_jobs TO pgwarden_store_app;
    REVOKE ALL ON pgmigrations FROM pgwarden_store_app;
    GRANT SELECT ON pgmigrations TO pgwarden_store_app;
    -- Tables that later migrations create (as this same owner) get ordinary DML.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO pgwarden_store_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO pgwarden_store_app;
  ELSE
    RAISE WARNING 'pgwarden: role pgwarden_store_app does not exist; create it and grant it to the console''s store login (README)';
  END IF;
END
$$;
REVOKE ALL ON audit_log FROM PUBLIC;

-- Down Migration
SELECT 1;
