// Replication on a real primary + streaming standby (built from the embedded binaries): positions
// and links, lag while replay is paused, an active slot that must not be dropped, a role without
// pg_monitor, and a promoted standby showing up as a second primary.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Major } from "@/lib/embedded/cluster";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads, invalidateSnapshots } from "@/lib/pg/cache";
import type { ReplicationResponse } from "@/lib/schemas/replication";
import { connect, pgServers, waitFor } from "../helpers/pg";
import { pauseReplay, resumeReplay, startStandbyPair, writeOnPrimary, type ReplicatedPair } from "../helpers/ops-fixtures/standby";
import { asRole, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const replicationRoute = () => import("@/app/api/servers/[server]/replication/route");
const dropRoute = () => import("@/app/api/servers/[server]/replication/slots/drop/route");

describe.each(pgServers())("replication with a streaming standby on PG $major", (s) => {
  const prim = `prim${s.major}`;
  const stby = `stby${s.major}`;
  const nomon = `nomon${s.major}`;
  let pair: ReplicatedPair;
  let st: pg.Client;
  const cookies: Record<string, string> = {};

  async function replication(server: string): Promise<ReplicationResponse> {
    const res = await callRoute(await replicationRoute(), "GET", `/api/servers/${server}/replication`, { cookie: cookies.viewer, params: { server } });
    expect(res.status).toBe(200);
    return res.json();
  }
  async function drop(who: string, body: unknown) {
    return callRoute(await dropRoute(), "POST", `/api/servers/${prim}/replication/slots/drop`, { cookie: cookies[who], params: { server: prim }, body });
  }

  beforeAll(async () => {
    pair = await startStandbyPair(s.major as Major);
    await withClient(pair.primary.url(), (c) => c.query(`CREATE ROLE repl_nomon LOGIN PASSWORD 'nomon-pw'`));
    const { storeUrl } = await useTestConsole({
      storeServerUrl: s.url,
      storeName: `repl_standby_store_${s.major}`,
      servers: [
        { id: prim, url: pair.primary.url() },
        { id: stby, url: pair.standby.url() },
        // The primary again, as a role without pg_monitor: the same instance, not a peer.
        { id: nomon, url: asRole(pair.primary.url(), "repl_nomon", "nomon-pw") },
      ],
    });
    await addUser("viewer1", "viewer");
    await addUser("op1", "operator");
    await addUser("admin1", "admin");
    for (const u of ["viewer1", "op1", "admin1"]) cookies[u.replace(/1$/, "")] = await signIn(u);
    st = await connect(storeUrl);
  });
  afterAll(async () => {
    await st?.end();
    await teardownTestConsole();
    await pair?.destroy();
  });

  test("the primary lists its standby streaming with positions and slot; primary and standby are linked by system identifier", async () => {
    const p = await replication(prim);
    expect(p.role).toBe("primary");
    expect(p.systemIdentifier).toMatch(/^\d+$/);
    const sb = p.standbys.find((x) => x.applicationName === pair.applicationName);
    expect(sb).toMatchObject({ state: "streaming", hidden: false, slotName: pair.slot, consoleServer: { id: stby, name: stby } });
    expect(sb!.sentLsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(sb!.replayLagBytes).toBeGreaterThanOrEqual(0);
    expect(p.slots.find((x) => x.name === pair.slot)).toMatchObject({ type: "physical", active: true });
    expect(p.links.standbys).toEqual([{ id: stby, name: stby }]);
    expect(p.links.primary).toBeNull();
    expect(p.findings.map((f) => f.check)).not.toContain("inactive_slot");
    // The role-less alias of the same instance is neither a standby nor a second primary.
    expect(p.findings.map((f) => f.check)).not.toContain("two_primaries");

    const sdb = await replication(stby);
    expect(sdb.role).toBe("standby");
    expect(sdb.systemIdentifier).toBe(p.systemIdentifier);
    expect(sdb.receiver).toMatchObject({ status: "streaming", slotName: pair.slot, senderHost: "127.0.0.1", senderPort: pair.primary.port, hidden: false });
    expect(sdb.recovery).toMatchObject({ paused: false, pauseState: "not paused" });
    expect(sdb.links.primary).toEqual({ id: prim, name: prim });
    expect(sdb.findings.map((f) => f.check)).not.toContain("standby_not_receiving");
  });

  test("replay lag appears on both sides while replay is paused, and clears after resume", async () => {
    await pauseReplay(pair.standby.url());
    await writeOnPrimary(pair.primary.url(), "lag_filler", 512);
    const lagging = await waitFor(async () => {
      const p = await replication(prim);
      const sb = p.standbys.find((x) => x.applicationName === pair.applicationName);
      return sb && sb.replayLagBytes! > 0 && sb.replayLsn !== sb.flushLsn ? sb : null;
    }, "the primary to see replay lag", 30_000, 200);
    expect(lagging.replayLagBytes!).toBeGreaterThan(lagging.flushLagBytes!);
    const sdb = await waitFor(async () => {
      const r = await replication(stby);
      return r.recovery?.paused && r.recovery.replayLagBytes! > 0 ? r : null;
    }, "the standby to report paused replay with a backlog", 30_000, 200);
    expect(sdb.recovery).toMatchObject({ pauseState: "paused", caughtUp: false });
    const finding = sdb.findings.find((f) => f.check === "replay_paused");
    expect(finding).toMatchObject({ severity: "warning", fix: "SELECT pg_wal_replay_resume();" });

    await resumeReplay(pair.standby.url());
    await waitFor(async () => {
      const p = await replication(prim);
      return p.standbys.find((x) => x.applicationName === pair.applicationName)?.replayLagBytes === 0;
    }, "the primary to see the lag cleared", 30_000, 200);
    const after = await waitFor(async () => {
      const r = await replication(stby);
      return r.recovery?.caughtUp && !r.recovery.paused ? r : null;
    }, "the standby to catch up", 30_000, 200);
    expect(after.recovery!.note).toMatch(/idle/);
    expect(after.findings.map((f) => f.check)).not.toContain("replay_paused");
  });

  test("without pg_monitor the standby's positions are hidden and the response names the GRANT", async () => {
    const r = await replication(nomon);
    const sb = r.standbys[0]!;
    expect(sb.hidden).toBe(true);
    expect(sb.sentLsn).toBeNull();
    expect(r.walDirBytes).toBeNull();
    expect(r.limits.map((l) => l.grant)).toContain(`GRANT pg_monitor TO "repl_nomon";`);
    // The slot view is not restricted: the standby's slot is still visible.
    expect(r.slots.map((x) => x.name)).toContain(pair.slot);
  });

  test("an active slot is not dropped (refused, audited); viewers and operators get 403; the confirmation is checked", async () => {
    const body = { slot: pair.slot, confirm: `drop ${pair.slot}` };
    expect((await drop("viewer", body)).status).toBe(403);
    expect((await drop("op", body)).status).toBe(403);
    expect((await drop("admin", { slot: pair.slot, confirm: "drop" })).status).toBe(400);
    expect((await drop("admin", { slot: "Bad-Name", confirm: "drop Bad-Name" })).status).toBe(400);

    const res = await drop("admin", body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ slot: pair.slot, outcome: "active" });
    const slots = await withClient(pair.primary.url(), (c) => c.query(`SELECT active FROM pg_replication_slots WHERE slot_name = $1`, [pair.slot]));
    expect(slots.rows).toEqual([{ active: true }]);

    const audit = await st.query(`SELECT kind, action, user_name, target_name, outcome, detail FROM audit_log WHERE server = $1 ORDER BY id`, [prim]);
    expect(audit.rows.filter((r) => r.outcome === "denied").map((r) => r.user_name).sort()).toEqual(["op1", "viewer1"]);
    const intent = audit.rows.find((r) => r.kind === "intent" && r.action === "drop_slot");
    expect(intent).toMatchObject({ user_name: "admin1", target_name: pair.slot });
    const outcome = audit.rows.find((r) => r.kind === "outcome" && r.action === "drop_slot");
    expect(outcome).toMatchObject({ outcome: "failed" });
    expect(outcome!.detail).toMatch(/active/);
  });

  test("a promoted standby shows on the old primary as a second primary (critical)", async () => {
    await withClient(pair.standby.url(), (c) => c.query(`SELECT pg_promote(true, 30)`));
    await waitFor(async () => !(await withClient(pair.standby.url(), (c) => c.query(`SELECT pg_is_in_recovery() AS r`))).rows[0].r, "promotion");
    invalidateSnapshots(scopePrefix({ server: stby })); // identities are cached for a minute
    invalidateReads(scopePrefix({ server: prim }));
    const p = await replication(prim);
    const f = p.findings.find((x) => x.check === "two_primaries");
    expect(f).toMatchObject({ severity: "critical" });
    expect(f!.evidence.join("\n")).toContain(stby);
    expect(p.findings[0]!.severity).toBe("critical");
  });
});
