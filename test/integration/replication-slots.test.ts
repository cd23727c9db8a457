// Replication slots on a real server: an abandoned slot retaining WAL is found, dropping it from the
// console frees the WAL, a logical slot shows what it holds back, a role without REPLICATION is told
// the fix, and a slot past max_slot_wal_keep_size shows as lost.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startCluster, type Cluster, type Major } from "@/lib/embedded/cluster";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import type { DropSlotResponse, ReplicationResponse } from "@/lib/schemas/replication";
import { connect, pgServers, waitFor } from "../helpers/pg";
import { abandonedSlot, SEGMENT, walDirBytes } from "../helpers/ops-fixtures/slots";
import { asRole, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const replicationRoute = () => import("@/app/api/servers/[server]/replication/route");
const dropRoute = () => import("@/app/api/servers/[server]/replication/slots/drop/route");

describe.each(pgServers())("replication slots on PG $major", (s) => {
  const srv = `slots${s.major}`;
  const norepl = `slots${s.major}-norepl`;
  let cluster: Cluster;
  let st: pg.Client;
  const cookies: Record<string, string> = {};

  async function replication(server = srv): Promise<ReplicationResponse> {
    invalidateReads(scopePrefix({ server: server })); // each call reads now: the test changes state between calls
    const res = await callRoute(await replicationRoute(), "GET", `/api/servers/${server}/replication`, { cookie: cookies.viewer, params: { server } });
    expect(res.status).toBe(200);
    return res.json();
  }
  async function drop(slot: string, server = srv): Promise<DropSlotResponse> {
    const res = await callRoute(await dropRoute(), "POST", `/api/servers/${server}/replication/slots/drop`, {
      cookie: cookies.admin,
      params: { server },
      body: { slot, confirm: `drop ${slot}` },
    });
    expect(res.status).toBe(200);
    return res.json();
  }

  beforeAll(async () => {
    // Our own server: WAL files are deleted, not recycled, so freed WAL shows in pg_wal's size.
    cluster = await startCluster({ major: s.major as Major, settings: { wal_level: "logical", wal_recycle: "off", max_connections: 50 } });
    await withClient(cluster.url(), async (c) => {
      await c.query(`CREATE ROLE slots_norepl LOGIN PASSWORD 'norepl-pw'`);
      await c.query(`GRANT pg_monitor TO slots_norepl`);
    });
    const { storeUrl } = await useTestConsole({
      storeServerUrl: s.url,
      storeName: `repl_slots_store_${s.major}`,
      servers: [
        { id: srv, url: cluster.url() },
        { id: norepl, url: asRole(cluster.url(), "slots_norepl", "norepl-pw") },
      ],
    });
    await addUser("viewer1", "viewer");
    await addUser("admin1", "admin");
    cookies.viewer = await signIn("viewer1");
    cookies.admin = await signIn("admin1");
    st = await connect(storeUrl);
  });
  afterAll(async () => {
    await st?.end();
    await teardownTestConsole();
    await cluster?.destroy();
  });

  test("an abandoned slot is found with the WAL it retains, as a warning with the statement that drops it", async () => {
    const retained = await abandonedSlot(cluster.url(), "abandoned_slot", 3);
    const r = await replication();
    const slot = r.slots.find((x) => x.name === "abandoned_slot")!;
    expect(slot).toMatchObject({ type: "physical", active: false, temporary: false });
    expect(slot.retainedBytes).toBeGreaterThanOrEqual(retained);
    expect(slot.retainedBytes).toBeLessThan(retained + 2 * SEGMENT);
    expect(["reserved", "extended"]).toContain(slot.walStatus);
    if (s.major >= 17) expect(slot.inactiveSince).toBeGreaterThan(Date.now() - 120_000);
    else expect(slot.inactiveSince).toBeNull();
    expect(r.walDirBytes).toBeGreaterThanOrEqual(retained);
    const f = r.findings.find((x) => x.id === "inactive_slot:abandoned_slot")!;
    expect(f.severity).toBe("warning");
    expect(f.evidence.join("\n")).toMatch(/retains \d+(\.\d)? MB of WAL/);
    expect(f.evidence.join("\n")).toContain("max_slot_wal_keep_size = -1");
    expect(f.fix).toContain(`SELECT pg_drop_replication_slot('abandoned_slot');`);
  });

  test("a logical slot shows its database, plugin and the catalog_xmin it holds back; it can be dropped from another database", async () => {
    // Created in another database than the console's: the drop must work from there anyway.
    await withClient(cluster.url(), (c) => c.query(`CREATE DATABASE logical_db`));
    await withClient(cluster.url("logical_db"), (c) => c.query(`SELECT pg_create_logical_replication_slot('logical_slot', 'pgoutput')`));
    const r = await replication();
    const slot = r.slots.find((x) => x.name === "logical_slot")!;
    expect(slot).toMatchObject({ type: "logical", plugin: "pgoutput", database: "logical_db", active: false, twoPhase: false });
    expect(slot.catalogXmin).toMatch(/^\d+$/);
    expect(slot.catalogXminAge).toBeGreaterThanOrEqual(0);
    expect(r.findings.find((x) => x.id === "inactive_slot:logical_slot")!.evidence.join("\n")).toContain("holds back VACUUM of the catalogs");
    expect(await drop("logical_slot")).toMatchObject({ outcome: "dropped" });
  });

  test("dropping the abandoned slot frees its WAL at the next checkpoint; intent and outcome are audited", async () => {
    const before = (await replication()).walDirBytes!;
    const res = await drop("abandoned_slot");
    expect(res.outcome).toBe("dropped");
    expect(res.retainedBytes).toBeGreaterThan(2 * SEGMENT);
    expect(res.message).toMatch(/next checkpoint/);
    await withClient(cluster.url(), (c) => c.query(`SELECT pg_switch_wal(); CHECKPOINT`));
    const after = await replication();
    expect(after.slots.map((x) => x.name)).not.toContain("abandoned_slot");
    expect(after.findings.map((f) => f.id)).not.toContain("inactive_slot:abandoned_slot");
    expect(after.walDirBytes).toBeLessThanOrEqual(before - 2 * SEGMENT);
    expect(await walDirBytes(cluster.url())).toBe(after.walDirBytes);

    const audit = await st.query(`SELECT kind, action, target_name, outcome, user_name FROM audit_log WHERE action = 'drop_slot' AND target_name = 'abandoned_slot' ORDER BY id`);
    expect(audit.rows).toEqual([
      { kind: "intent", action: "drop_slot", target_name: "abandoned_slot", outcome: null, user_name: "admin1" },
      { kind: "outcome", action: "drop_slot", target_name: "abandoned_slot", outcome: "ok", user_name: "admin1" },
    ]);
    // Dropping it again: already gone, nothing else happens.
    expect(await drop("abandoned_slot")).toMatchObject({ outcome: "not_found" });
  });

  test("a console role without REPLICATION is told the ALTER ROLE that would allow the drop; the slot stays", async () => {
    await withClient(cluster.url(), (c) => c.query(`SELECT pg_create_physical_replication_slot('kept_slot')`));
    const res = await drop("kept_slot", norepl);
    expect(res).toMatchObject({ outcome: "not_permitted", sqlstate: "42501", grant: `ALTER ROLE "slots_norepl" REPLICATION;` });
    const left = await withClient(cluster.url(), (c) => c.query(`SELECT 1 FROM pg_replication_slots WHERE slot_name = 'kept_slot'`));
    expect(left.rowCount).toBe(1);
    const outcome = await st.query(`SELECT outcome, sqlstate FROM audit_log WHERE kind = 'outcome' AND action = 'drop_slot' AND server = $1`, [norepl]);
    expect(outcome.rows).toEqual([{ outcome: "failed", sqlstate: "42501" }]);
  });

  test("a slot that fell behind max_slot_wal_keep_size is lost: a critical finding", async () => {
    await withClient(cluster.url(), async (c) => {
      await c.query(`ALTER SYSTEM SET max_slot_wal_keep_size = '32MB'`);
      await c.query(`SELECT pg_reload_conf()`);
    });
    try {
      await abandonedSlot(cluster.url(), "doomed_slot", 4);
      await withClient(cluster.url(), (c) => c.query(`CHECKPOINT`));
      const r = await waitFor(async () => {
        const x = await replication();
        return x.slots.find((sl) => sl.name === "doomed_slot")?.walStatus === "lost" ? x : null;
      }, "the slot to be lost");
      expect(r.maxSlotWalKeepSizeMb).toBe(32);
      const f = r.findings.find((x) => x.id === "slot_lost:doomed_slot")!;
      expect(f.severity).toBe("critical");
      expect(r.findings[0]!.severity).toBe("critical");
    } finally {
      await withClient(cluster.url(), async (c) => {
        await c.query(`ALTER SYSTEM RESET max_slot_wal_keep_size`);
        await c.query(`SELECT pg_reload_conf()`);
      });
    }
  });
});
