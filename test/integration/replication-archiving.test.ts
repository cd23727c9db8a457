// WAL archiving and base backups on a real server whose archive_command fails: the critical
// finding with how long it has failed, the backlog, recovery when the command works, WAL per hour,
// and a base backup in progress with its bytes.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Cluster, Major } from "@/lib/embedded/cluster";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import type { ArchivingResponse, ReplicationResponse } from "@/lib/schemas/replication";
import { pgServers, waitFor } from "../helpers/pg";
import { makeArchiverFail, setArchiveCommand, startFailingArchiverCluster, startSlowBaseBackup } from "../helpers/ops-fixtures/archiver";
import { withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const archivingRoute = () => import("@/app/api/servers/[server]/replication/archiving/route");
const replicationRoute = () => import("@/app/api/servers/[server]/replication/route");

describe.each(pgServers())("WAL archiving and base backups on PG $major", (s) => {
  const srv = `arch${s.major}`;
  let cluster: Cluster;
  let cookie: string;

  async function get<T>(route: () => Promise<Record<string, unknown>>, path: string, fresh = true): Promise<T> {
    if (fresh) invalidateReads(scopePrefix({ server: srv }));
    const res = await callRoute(await route(), "GET", `/api/servers/${srv}/${path}`, { cookie, params: { server: srv } });
    expect(res.status).toBe(200);
    return res.json();
  }
  const archiving = (fresh = true) => get<ArchivingResponse>(archivingRoute, "replication/archiving", fresh);
  async function switchWal() {
    await withClient(cluster.url(), (c) => c.query(`INSERT INTO archive_filler (payload) SELECT md5(g::text) FROM generate_series(1, 1000) g; SELECT pg_switch_wal()`));
  }

  beforeAll(async () => {
    cluster = await startFailingArchiverCluster(s.major as Major);
    await useTestConsole({ storeServerUrl: s.url, storeName: `repl_archiving_store_${s.major}`, servers: [{ id: srv, url: cluster.url() }] });
    await addUser("viewer1", "viewer");
    cookie = await signIn("viewer1");
  });
  afterAll(async () => {
    await teardownTestConsole();
    await cluster?.destroy();
  });

  test("a failing archive_command is a critical finding: how long, the failing file, the .ready files waiting", async () => {
    const failed = await makeArchiverFail(cluster.url());
    const r = await archiving();
    expect(r.role).toBe("primary");
    expect(r.archiver).toMatchObject({ archiveMode: "on", archiveCommand: "false", failing: true, archivedCount: 0, lastArchivedWal: null });
    expect(r.archiver.failedCount).toBeGreaterThanOrEqual(failed.failedCount);
    expect(r.archiver.lastFailedWal).toBe(failed.lastFailedWal);
    // Never archived since the statistics were reset: failing since then.
    expect(r.archiver.failingSince).toBe(r.archiver.statsReset);
    expect(r.archiver.readyFiles).toBeGreaterThanOrEqual(1);
    expect(r.limits).toEqual([]);
    const f = r.findings[0]!;
    expect(f).toMatchObject({ check: "archiver_failing", severity: "critical" });
    expect(f.title).toMatch(/^WAL archiving is failing for /);
    expect(f.evidence.join("\n")).toContain(failed.lastFailedWal);
    expect(f.evidence.join("\n")).toContain("nothing archived successfully");
  });

  test("once the command works the finding clears and nothing waits; failing again counts from the last success", async () => {
    await setArchiveCommand(cluster.url(), "true");
    await switchWal();
    const ok = await waitFor(async () => {
      const r = await archiving();
      return !r.archiver.failing && r.archiver.archivedCount > 0 && r.archiver.readyFiles === 0 ? r : null;
    }, "the archiver to catch up", 45_000, 250);
    expect(ok.archiver.segmentsWaiting).toBe(0);
    expect(ok.findings.map((f) => f.check)).not.toContain("archiver_failing");

    await setArchiveCommand(cluster.url(), "false");
    await switchWal();
    await switchWal();
    const again = await waitFor(async () => {
      const r = await archiving();
      return r.archiver.failing ? r : null;
    }, "the archiver to fail again", 45_000, 250);
    expect(again.archiver.failingSince).toBe(ok.archiver.lastArchivedTime);
    expect(again.archiver.segmentsWaiting).toBeGreaterThanOrEqual(1);
    expect(again.findings[0]!.evidence.join("\n")).toContain(`last success`);
  }, 120_000);

  test("WAL generated per hour: measured between two reads", async () => {
    const rate = await waitFor(async () => {
      await withClient(cluster.url(), (c) => c.query(`INSERT INTO archive_filler (payload) SELECT md5(g::text) FROM generate_series(1, 2000) g`));
      const r = await archiving();
      return r.walRate.basis === "two_reads" ? r.walRate : null;
    }, "a WAL rate from two reads", 60_000, 1_000);
    expect(rate.windowSeconds).toBeGreaterThanOrEqual(10);
    expect(rate.bytesPerHour).toBeGreaterThan(0);
  });

  test("a base backup in progress shows its phase and bytes streamed out of the estimate; its walsender is not a lagging standby", async () => {
    const backup = await startSlowBaseBackup(cluster.url(), s.major);
    try {
      const r = await archiving();
      const b = r.baseBackups.find((x) => x.pid === backup.pid)!;
      expect(b).toMatchObject({ phase: "streaming database files", applicationName: "pgwarden-test-basebackup", user: "postgres" });
      expect(b.backupTotalBytes).toBeGreaterThan(1_000_000);
      expect(b.backupStreamedBytes).toBeGreaterThan(0);
      expect(b.progress).toBeGreaterThan(0);
      expect(b.progress).toBeLessThan(1);
      const rep = await get<ReplicationResponse>(replicationRoute, "replication");
      expect(rep.standbys.find((x) => x.pid === backup.pid)?.state).toBe("backup");
      expect(rep.findings.map((f) => f.check)).not.toContain("standby_not_streaming");
    } finally {
      await backup.stop();
    }
    await waitFor(async () => (await archiving()).baseBackups.length === 0, "the backup to end");
  });
});
