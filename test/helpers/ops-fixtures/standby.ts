// A primary with a streaming standby (lib/embedded/replica.ts) and the situations the replication
// page must show: replay paused on the standby while the primary writes.
import type pg from "pg";
import { startReplicatedPair, type ReplicatedPair } from "../../../lib/embedded/replica";
import type { Major } from "../../../lib/embedded/cluster";
import { waitFor } from "../pg";
import { withClient } from "../storage-fixtures";

export type { ReplicatedPair };

export function startStandbyPair(major: Major): Promise<ReplicatedPair> {
  return startReplicatedPair({ major, settings: { max_connections: 50 } });
}

/** The standby's replay state as PostgreSQL reports it (not through the console). */
export async function replayPauseState(standbyUrl: string): Promise<string> {
  return withClient(standbyUrl, async (c) => (await c.query(`SELECT pg_get_wal_replay_pause_state() AS s`)).rows[0].s);
}

/** Pauses replay and waits until it is really paused (not only "pause requested"). */
export async function pauseReplay(standbyUrl: string): Promise<void> {
  await withClient(standbyUrl, (c) => c.query(`SELECT pg_wal_replay_pause()`));
  await waitFor(async () => (await replayPauseState(standbyUrl)) === "paused", "replay paused");
}

export async function resumeReplay(standbyUrl: string): Promise<void> {
  await withClient(standbyUrl, (c) => c.query(`SELECT pg_wal_replay_resume()`));
}

/** Writes about `kb` kilobytes of WAL on the primary in a table of its own. */
export async function writeOnPrimary(primaryUrl: string, table: string, kb = 256): Promise<void> {
  await withClient(primaryUrl, async (c: pg.Client) => {
    await c.query(`CREATE TABLE IF NOT EXISTS ${table} (id serial PRIMARY KEY, payload text)`);
    await c.query(`INSERT INTO ${table} (payload) SELECT repeat(md5(g::text), 8) FROM generate_series(1, $1::int) g`, [kb * 4]);
  });
}

/** Waits until the primary sees the standby's replay position at its own current position. */
export async function waitForReplayCaughtUp(primaryUrl: string, applicationName: string): Promise<void> {
  await withClient(primaryUrl, (c) =>
    waitFor(async () => {
      const { rows } = await c.query(
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS lag FROM pg_stat_replication WHERE application_name = $1`,
        [applicationName],
      );
      return rows[0] && Number(rows[0].lag) === 0;
    }, "standby replay caught up", 30_000),
  );
}
