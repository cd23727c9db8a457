-- Up Migration
-- Jobs are found by what they run (their statement starts with /* pgwarden job N */), survive the
-- console process that started them (a replica re-attaches a running job whose backend is alive),
-- and exact bloat reads (pgstattuple) run as jobs whose figures are kept with the job.

ALTER TABLE maintenance_jobs DROP CONSTRAINT maintenance_jobs_command_check;
ALTER TABLE maintenance_jobs ADD CONSTRAINT maintenance_jobs_command_check
  CHECK (command IN ('vacuum', 'vacuum_analyze', 'vacuum_full', 'analyze', 'reindex_index', 'reindex_table', 'bloat_exact'));

-- the comment the job's statement starts with: progress and cancel match it in pg_stat_activity
ALTER TABLE maintenance_jobs ADD COLUMN tag text;
-- when a cancel signal was delivered to the job's backend (guarded by pid, backend_start and tag)
ALTER TABLE maintenance_jobs ADD COLUMN cancel_sent_at timestamptz;
-- when another console process took over watching a job whose own process stopped
ALTER TABLE maintenance_jobs ADD COLUMN reattached_at timestamptz;
-- bloat_exact: the size it reads (pg_class.relpages × block size when it started) and its figures
ALTER TABLE maintenance_jobs ADD COLUMN relation_bytes bigint;
ALTER TABLE maintenance_jobs ADD COLUMN result jsonb;

-- The latest exact figures of a relation.
CREATE INDEX maintenance_jobs_exact_idx ON maintenance_jobs (server, database, relation_oid, id DESC) WHERE command = 'bloat_exact';

-- Down Migration
DROP INDEX maintenance_jobs_exact_idx;
ALTER TABLE maintenance_jobs DROP COLUMN result, DROP COLUMN relation_bytes, DROP COLUMN reattached_at, DROP COLUMN cancel_sent_at, DROP COLUMN tag;
DELETE FROM maintenance_jobs WHERE command = 'bloat_exact';
ALTER TABLE maintenance_jobs DROP CONSTRAINT maintenance_jobs_command_check;
ALTER TABLE maintenance_jobs ADD CONSTRAINT maintenance_jobs_command_check
  CHECK (command IN ('vacuum', 'vacuum_analyze', 'vacuum_full', 'analyze', 'reindex_index', 'reindex_table'));
