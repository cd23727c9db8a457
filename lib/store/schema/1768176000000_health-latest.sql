-- Up Migration
-- Each server's newest health run, whichever replica (or page view) ran it: the fleet cards show its
-- worst finding. One row per server, replaced by newer runs only.
CREATE TABLE health_latest (
  server text PRIMARY KEY,
  checked_at timestamptz NOT NULL,
  database text NOT NULL,
  worst_severity text CHECK (worst_severity IN ('critical', 'warning', 'info')),
  worst_title text,
  worst_check text,
  critical int NOT NULL,
  warning int NOT NULL,
  info int NOT NULL,
  -- checks that could not run (a privilege, a timeout): the card must not read "healthy" then
  failed_checks int NOT NULL
);

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    REVOKE ALL ON health_latest FROM pgwarden_store_app;
    GRANT SELECT, INSERT, UPDATE ON health_latest TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DROP TABLE health_latest;
