-- Up Migration
-- One row per (server, database) instead of per server: a page view of one database no longer
-- replaces what the background run found in another (the card flipped to "no finding"), and the
-- background run covers every database the console may connect to. The fleet card shows the worst
-- row; rows of databases that are gone are deleted by the next background run.
ALTER TABLE health_latest DROP CONSTRAINT health_latest_pkey;
ALTER TABLE health_latest ADD PRIMARY KEY (server, database);
-- the database the worst finding is about, when it is about one (a table's, not the server's)
ALTER TABLE health_latest ADD COLUMN worst_database text;

DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    GRANT DELETE ON health_latest TO pgwarden_store_app;
  END IF;
END
$$;

-- Down Migration
DELETE FROM health_latest h
 WHERE EXISTS (SELECT FROM health_latest n WHERE n.server = h.server AND (n.checked_at, n.database) > (h.checked_at, h.database));
ALTER TABLE health_latest DROP CONSTRAINT health_latest_pkey;
ALTER TABLE health_latest ADD PRIMARY KEY (server);
ALTER TABLE health_latest DROP COLUMN worst_database;
DO $$
BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden_store_app') THEN
    REVOKE DELETE ON health_latest FROM pgwarden_store_app;
  END IF;
END
$$;
