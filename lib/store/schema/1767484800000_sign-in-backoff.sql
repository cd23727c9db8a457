-- Up Migration
-- Sign-in throttling no longer locks a user name for everyone (a stranger could lock out the
-- on-call admin with five wrong passwords). One row per (address, user) pair with exponential
-- back-off, and one per address with a cap on failures in a window (lib/store/throttle.ts).
-- The old rows were per-user locks: they are dropped with the old table.
DROP TABLE login_throttle;
CREATE TABLE login_throttle (
  -- 'pair:<address> <user>' or 'addr:<address>'
  key text PRIMARY KEY,
  failures integer NOT NULL,
  first_failure_at timestamptz NOT NULL,
  last_failure_at timestamptz NOT NULL,
  blocked_until timestamptz
);
-- Pruning deletes by age.
CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON login_throttle TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
SELECT 1;
