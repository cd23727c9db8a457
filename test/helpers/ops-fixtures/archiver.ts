// A cluster whose archive_command always fails (`false`), and a base backup that stays in progress
// (a replication connection running BASE_BACKUP at the lowest MAX_RATE) for as long as a test looks.
import pg from "pg";
import { startCluster, type Cluster, type Major } from "../../../lib/embedded/cluster";
import { waitFor } from "../pg";
import { withClient } from "../storage-fixtures";

/**
 * archive_mode needs a restart, so it is a start setting; archive_command is set with ALTER SYSTEM
 * (a `-c` setting would override postgresql.auto.conf, and tests change the command by reload).
 */
export async function startFailingArchiverCluster(major: Major): Promise<Cluster> {
  const cluster = await startCluster({ major, settings: { archive_mode: "on", max_connections: 50 } });
  await setArchiveCommand(cluster.url(), "false");
  return cluster;
}

export async function setArchiveCommand(url: string, command: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(`ALTER SYSTEM SET archive_command = ${pg.escapeLiteral(command)}`);
    await c.query(`SELECT pg_reload_conf()`);
    // The reload is asynchronous: wait until a new session sees the command.
  });
  await waitFor(
    () => withClient(url, async (c) => (await c.query(`SELECT current_setting('archive_command') AS v`)).rows[0].v === command),
    `archive_command = ${command}`,
  );
}

/** Writes, switches WAL and waits until pg_stat_archiver has counted a failure. */
export async function makeArchiverFail(url: string): Promise<{ failedCount: number; lastFailedWal: string }> {
  return withClient(url, async (c) => {
    await c.query(`CREATE TABLE IF NOT EXISTS archive_filler (id serial, payload text)`);
    await c.query(`INSERT INTO archive_filler (payload) SELECT md5(g::text) FROM generate_series(1, 1000) g`);
    await c.query(`SELECT pg_switch_wal()`);
    return waitFor(async () => {
      const r = (await c.query(`SELECT failed_count::int, last_failed_wal FROM pg_stat_archiver`)).rows[0];
      return r.failed_count > 0 && r.last_failed_wal ? { failedCount: r.failed_count, lastFailedWal: r.last_failed_wal } : null;
    }, "the archiver to fail", 30_000);
  });
}

export interface RunningBackup {
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts BASE_BACKUP over a replication connection at 32 kB/s (the minimum MAX_RATE) with a size
 * estimate, and returns once pg_stat_progress_basebackup shows it streaming. node-postgres ignores
 * the COPY data of a simple query, which is all a test needs. stop() terminates the walsender.
 */
export async function startSlowBaseBackup(url: string, major: number): Promise<RunningBackup> {
  const client = new pg.Client({ connectionString: url, replication: "true", application_name: "pgwarden-test-basebackup" } as pg.ClientConfig);
  client.on("error", () => {});
  await client.connect();
  const command = major >= 15 ? `BASE_BACKUP (LABEL 'pgwarden test', PROGRESS, CHECKPOINT 'fast', MAX_RATE 32)` : `BASE_BACKUP LABEL 'pgwarden test' PROGRESS FAST MAX_RATE 32`;
  const done = client.query(command).catch(() => {});
  const pid = await withClient(url, (c) =>
    waitFor(async () => {
      const { rows } = await c.query(`SELECT pid FROM pg_stat_progress_basebackup WHERE phase = 'streaming database files' AND backup_streamed > 0`);
      return rows[0]?.pid as number | undefined;
    }, "a base backup streaming files", 30_000),
  );
  return {
    pid,
    stop: async () => {
      await withClient(url, (c) => c.query(`SELECT pg_terminate_backend($1)`, [pid]));
      await done;
      await client.end().catch(() => {});
    },
  };
}
