// Scale-out on the store: two real console processes (sampler only) share 200 server entries
// pointing at a PostgreSQL 18 and a 14 cluster. Each server is sampled exactly once per interval
// by one of them; after kill -9 of one, the other covers all 200 within 30 s.
// The clusters are this file's own (max_connections 300): 200 pools with an open connection each
// must not take the slots the other test files need on the shared servers.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { startCluster, type Cluster } from "@/lib/embedded/cluster";
import { offsetOf } from "@/lib/monitoring/schedule";
import { connect, pgServers, waitFor } from "../helpers/pg";
import { startSamplerProcess, writeServersFile, type SamplerProcess } from "../helpers/sampler-process";
import { freshStore } from "../helpers/store";

// 10 s: on a loaded 2-core test machine 200 samples in 5 s per replica is not always possible.
const INTERVAL_S = 10;
const I = INTERVAL_S * 1000;
const IDS = Array.from({ length: 200 }, (_, i) => `s${String(i + 1).padStart(3, "0")}`);

describe("sampler leases across two console processes (PG 18 and 14 clusters)", () => {
  let clusters: Cluster[] = [];
  let st: pg.Client;
  let env: Record<string, string>;
  const procs: SamplerProcess[] = [];

  beforeAll(async () => {
    clusters = await Promise.all([
      startCluster({ major: 18, settings: { max_connections: 300 } }),
      startCluster({ major: 14, settings: { max_connections: 300 } }),
    ]);
    // As in production: the replicas log in as the store's app role and migrate as its owner.
    const { appUrl, ownerUrl } = await freshStore(pgServers()[0]!.url, "sampler_leases_store");
    env = {
      PGWARDEN_STORE_URL: appUrl,
      PGWARDEN_STORE_MIGRATION_URL: ownerUrl,
      PGWARDEN_SERVERS: writeServersFile(IDS.map((id, i) => ({ id, url: clusters[i % 2]!.url() }))),
      PGWARDEN_SAMPLE_INTERVAL_S: String(INTERVAL_S),
      // The survivor opens 100 new connections at once (SCRAM on both sides); on a test machine
      // shared with other test files the default 3 s connect timeout fails some of them.
      PGWARDEN_CONNECT_TIMEOUT_MS: "10000",
      // This test counts the 10 s samples; 200 background health runs (catalog-heavy, on two small
      // clusters) would only add load. The health collector is tested in sampler-store.test.ts.
      PGWARDEN_HEALTH_INTERVAL_S: "0",
    };
    st = await connect(appUrl);
  });
  afterAll(async () => {
    for (const p of procs) await p.kill();
    await st?.end();
    await Promise.all(clusters.map((c) => c.destroy()));
  });

  const ownerOf = (p: SamplerProcess) => /sampler (\S+) started/.exec(p.output())![1]!;
  const leaseCounts = async () =>
    (await st.query(`SELECT owner, count(*)::int AS n FROM sampler_leases WHERE owner IS NOT NULL AND expires_at > now() GROUP BY owner`)).rows as { owner: string; n: number }[];

  /**
   * For every server: each interval whose start (the server's offset in it) lies in [from, to) has
   * exactly one sample. Samples are counted by the interval they belong to, so a late sample (an
   * overloaded machine) still counts for its own interval; a second one in it or none fails.
   */
  async function assertOncePerInterval(from: number, to: number) {
    const { rows } = await st.query(
      `SELECT server, array_agg((extract(epoch FROM at) * 1000)::float8 ORDER BY at) AS ats
         FROM metric_server_samples WHERE at >= $1 AND at < $2 GROUP BY server`,
      [new Date(from - 2 * I), new Date(to + 2 * I)],
    );
    const byServer = new Map((rows as { server: string; ats: number[] }[]).map((r) => [r.server, r.ats]));
    const bad: string[] = [];
    for (const id of IDS) {
      const o = offsetOf(id, I);
      const slots = (byServer.get(id) ?? []).map((t) => Math.floor((t - o) / I));
      const wanted: number[] = [];
      for (let k = Math.ceil((from - o) / I); k * I + o < to; k++) wanted.push(k);
      const counts = wanted.map((k) => slots.filter((x) => x === k).length);
      if (counts.some((n) => n !== 1)) bad.push(`${id}: samples per interval ${counts.join(",")}`);
    }
    expect(bad, "servers not sampled exactly once per interval").toEqual([]);
  }

  /** Waits until every server has been sampled twice since `since` (new connections warmed up). */
  async function waitForSteadyState(since: number, what: string) {
    await waitFor(
      async () => {
        const { rows } = await st.query(
          `SELECT count(*)::int AS n FROM (SELECT server FROM metric_server_samples WHERE at > $1 GROUP BY server HAVING count(*) >= 2) x`,
          [new Date(since)],
        );
        return rows[0].n === IDS.length;
      },
      what,
      6 * I,
      200,
    );
  }

  test("each server once per interval by one replica; after kill -9 of one, the other covers all 200 within 30 s", { timeout: 240_000 }, async () => {
    onTestFailed(() => procs.forEach((p, i) => console.log(`sampler process ${i} output:\n${p.output().slice(-4000)}`)));
    procs.push(await startSamplerProcess(env), await startSamplerProcess(env));
    const [a, b] = procs as [SamplerProcess, SamplerProcess];

    // The first to start takes everything, then gives back what exceeds its share to the second.
    await waitFor(async () => {
      const counts = await leaseCounts();
      return counts.length === 2 && counts.every((c) => c.n === 100);
    }, "two replicas holding 100 leases each", 60_000, 200);
    const split = Date.now();
    await waitForSteadyState(split, "every server sampled twice after the split");
    const t0 = Date.now();
    await waitFor(async () => Date.now() > t0 + 3 * I + 1.5 * I, "three intervals of steady state", 8 * I, 200);
    // No lease changed hands since the split: the window's samples are each replica's own. (Counted
    // from t0 - 2 intervals, the split itself fell inside when the steady state came quickly.)
    const handovers = await st.query(`SELECT count(*)::int AS n FROM sampler_leases WHERE acquired_at > $1`, [new Date(split)]);
    expect(handovers.rows[0].n).toBe(0);
    expect((await leaseCounts()).map((c) => c.owner).sort()).toEqual([ownerOf(a), ownerOf(b)].sort());
    await assertOncePerInterval(t0, t0 + 3 * I);

    const victim = ownerOf(b);
    const victimServers = (await st.query(`SELECT server FROM sampler_leases WHERE owner = $1`, [victim])).rows.map((r) => r.server as string);
    expect(victimServers).toHaveLength(100);
    const killedAt = Date.now();
    await b.kill();
    const covered = await waitFor(
      async () => {
        const { rows } = await st.query(
          `SELECT count(*)::int AS n, (extract(epoch FROM max(first)) * 1000)::float8 AS last_first,
                  (extract(epoch FROM min(first) FILTER (WHERE server = ANY($2))) * 1000)::float8 AS first_taken
             FROM (SELECT server, min(at) AS first FROM metric_server_samples WHERE at > $1 GROUP BY server) x`,
          [new Date(killedAt), victimServers],
        );
        return rows[0].n === IDS.length ? (rows[0] as { last_first: number; first_taken: number }) : null;
      },
      "all 200 servers sampled again after the kill",
      30_000,
      100,
    );
    const takeoverMs = covered.last_first - killedAt;
    console.log(
      `takeover: the dead replica's 100 servers were sampled again from ${((covered.first_taken - killedAt) / 1000).toFixed(1)} s ` +
        `to ${(takeoverMs / 1000).toFixed(1)} s after kill -9 (interval ${INTERVAL_S} s, lease ${INTERVAL_S * 1.25} s)`,
    );
    expect(takeoverMs).toBeLessThan(30_000);
    expect(await leaseCounts()).toEqual([{ owner: ownerOf(a), n: 200 }]);

    // The survivor alone keeps every server at one sample per interval.
    await waitForSteadyState(killedAt, "every server sampled twice by the survivor");
    const t1 = Date.now();
    await waitFor(async () => Date.now() > t1 + 2 * I + 1.5 * I, "two intervals with one replica", 6 * I, 200);
    await assertOncePerInterval(t1, t1 + 2 * I);
    expect(a.output()).not.toMatch(/Unhandled|TypeError|ReferenceError/);
  });
});
