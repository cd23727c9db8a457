-- Up Migration
-- Idempotency of actions (lib/store/idempotency.ts): one row per (user, request id), with what
-- the request was (server, action, target, a digest of its body) and, once it finished, its
-- response. A repeat returns that response; the same id for a different request is a 409. Rows
-- live 24 hours, in the store so that restarts and replicas see them.
CREATE TABLE action_requests (
  user_id bigint NOT NULL,
  request_id uuid NOT NULL,
  server text NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  request_sha256 bytea NOT NULL CHECK (length(request_sha256) = 32),
  state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'done', 'failed')),
  response jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (user_id, request_id)
);
CREATE INDEX action_requests_created_idx ON action_requests (created_at);
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    GRANT SELECT, INSERT, UPDATE, DELETE ON action_requests TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DROP TABLE action_requests;
