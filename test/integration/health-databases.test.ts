// Background health runs cover every database, not only the server entry's default one: a
// sequence about to run out in another database is the fleet card's worst finding (with that
// database, and a link to its checks); a page view of a healthy database does not hide it; once the
// database is dropped, the next run takes its row off the card. Own cluster (PG 18 and 14), so the
// list of databases is exactly the test's.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findServer } from "@/lib/config/servers";
import { startCluster, type Cluster, type Major } from "@/lib/embedded/cluster";
import { healthCollector } from "@/lib/monitoring/collectors/health";
import { runCollector } from "@/lib/monitoring/run-collector";
import { ALL_KEYS } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { healthReport } from "@/lib/pg/health/report";
import type { FleetServer } from "@/lib/schemas/metrics";
import { connect, pgServers } from "../helpers/pg";
import { withClient } from "../helpers/storage-fixtures";
import { addUser, fleetAs, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

describe.each(pgServers())("background health on every database, PG $major", (s) => {
  const server = `hcdb${s.major}`;
  let cluster: Cluster;
  let st: pg.Client;
  let cookie: string;

  const card = async (): Promise<FleetServer> => (await fleetAs(cookie)).servers.find((x) => x.id === server)!;
  async function backgroundRun() {
    invalidateReads(ALL_KEYS); // a run reads now, not a cached report or database list
    expect(await runCollector(healthCollector, findServer(server)!)).toBe(true);
  }
  const storedDatabases = async () =>
    (await st.query(`SELECT database FROM health_latest WHERE server = $1 ORDER BY database`, [server])).rows.map((r) => r.database);

  beforeAll(async () => {
    cluster = await startCluster({ major: s.major as Major });
    await withClient(cluster.url(), async (c) => {
      await c.query(`CREATE DATABASE shop`);
      await c.query(`CREATE DATABASE reports`);
    });
    // In shop only: an int column fed by a sequence at 98 % of int4.
    await withClient(cluster.url("shop"), async (c) => {
      await c.query(`CREATE TABLE orders (id int PRIMARY KEY)`);
      await c.query(`CREATE SEQUENCE orders_id_seq AS integer OWNED BY orders.id`);
      await c.query(`SELECT setval('orders_id_seq', 2100000000)`);
    });
    const { storeUrl } = await useTestConsole({
      storeServerUrl: s.url,
      storeName: `health_dbs_store_${s.major}`,
      servers: [{ id: server, url: cluster.url() }], // default database: postgres
      healthOtherDatabases: 10, // the default: this cluster holds only the test's databases
    });
    await addUser("viewer1", "viewer");
    cookie = await signIn("viewer1");
    st = await connect(storeUrl);
  });
  afterAll(async () => {
    await st?.end();
    await teardownTestConsole();
    await cluster?.destroy();
  });

  test("a finding in another database is the card's worst, a page view of a healthy one does not hide it, a dropped database leaves", async () => {
    await backgroundRun();
    expect(await storedDatabases()).toEqual(["postgres", "reports", "shop"]);
    const sick = await card();
    expect(sick.worstFinding).toMatchObject({ severity: "critical", check: "sequence_exhaustion", database: "shop" });
    expect(sick.worstFinding!.title).toContain("orders_id_seq");

    // Before, one row per server: this page view of the healthy default database replaced it.
    invalidateReads(ALL_KEYS);
    const viewed = await healthReport(server, undefined);
    expect(viewed.database).toBe("postgres");
    expect(viewed.findings.some((f) => f.check === "sequence_exhaustion")).toBe(false);
    expect((await card()).worstFinding).toMatchObject({ check: "sequence_exhaustion", database: "shop" });

    await withClient(cluster.url(), (c) => c.query(`DROP DATABASE shop WITH (FORCE)`));
    await backgroundRun();
    expect(await storedDatabases()).toEqual(["postgres", "reports"]);
    const healed = await card();
    expect(healed.worstFinding?.check).not.toBe("sequence_exhaustion");
    expect(healed.healthCheckedAt).toBeGreaterThan(sick.healthCheckedAt!);
  });
});
