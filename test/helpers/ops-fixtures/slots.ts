// A replication slot nobody uses that keeps WAL: created with an immediate reservation, then WAL is
// written and switched so that segments pile up behind its restart_lsn.
import { waitFor } from "../pg";
import { withClient } from "../storage-fixtures";

export const SEGMENT = 16 * 1024 * 1024;

/**
 * Creates an inactive physical slot and switches WAL `segments` times behind it: it then retains
 * more than `segments - 1` whole segments (its restart_lsn lies inside the first one).
 */
export async function abandonedSlot(url: string, slot: string, segments = 3): Promise<number> {
  return withClient(url, async (c) => {
    await c.query(`SELECT pg_create_physical_replication_slot($1, true)`, [slot]);
    await c.query(`CREATE TABLE IF NOT EXISTS slot_filler (id serial, payload text)`);
    for (let i = 0; i < segments; i++) {
      // pg_switch_wal() does nothing after an empty segment: write first.
      await c.query(`INSERT INTO slot_filler (payload) SELECT md5(g::text) FROM generate_series(1, 1000) g`);
      await c.query(`SELECT pg_switch_wal()`);
    }
    return waitFor(async () => {
      const { rows } = await c.query(
        `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::float8 AS retained FROM pg_replication_slots WHERE slot_name = $1 AND NOT active`,
        [slot],
      );
      const retained = Number(rows[0]?.retained ?? 0);
      return retained > (segments - 1) * SEGMENT ? retained : null;
    }, `slot ${slot} retaining over ${segments - 1} segments`);
  });
}

/** Bytes in pg_wal as PostgreSQL lists them. */
export async function walDirBytes(url: string): Promise<number> {
  return withClient(url, async (c) => Number((await c.query(`SELECT sum(size)::float8 AS b FROM pg_ls_waldir()`)).rows[0].b));
}
