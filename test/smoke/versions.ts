// `npm run smoke:versions` (after `next build`): the console against PostgreSQL majors the test
// suite does not start (13, 15, 16, 17; MAJORS=15,17 to choose). Each gets the demo database, a
// lock chain, an inactive slot, a partitioned table and quoting-hostile names; then every read
// route, every page, cancel, ANALYZE and VACUUM jobs, EXPLAIN and the linter are called as an
// admin. Any answer other than 2xx, a missing lock chain or table, a job that did not end "ok" or
// an all-empty chart series is reported, and the exit code is 1.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { initdb, startServer } from "../../lib/embedded/binary-cluster";
import { freePort, type Cluster } from "../../lib/embedded/cluster";
import { prepareDemoDatabase, withClient } from "../../lib/cli/demo-database";
import { DEMO_APP_ROLE, DEMO_CONSOLE_ROLE } from "../../lib/demo/seed";
import { login } from "../bench/activity-bench";
import { startConsoleStack } from "../helpers/console-stack";
import { ensureBinaries, SMOKE_VERSIONS } from "./pg-binaries";
import { sweepServer, type Sweep } from "./sweep";

const MAJORS = (process.env.MAJORS ?? Object.keys(SMOKE_VERSIONS).join(",")).split(",").map(Number);

async function startMajor(major: number): Promise<Cluster> {
  const bin = ensureBinaries(major);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pgwarden-smoke-pg${major}-`));
  fs.chmodSync(dataDir, 0o777); // the server runs as the postgres OS user when we are root
  const port = await freePort();
  const settings = { shared_preload_libraries: "pg_stat_statements", listen_addresses: "127.0.0.1", unix_socket_directories: "", max_connections: 200, "pg_stat_statements.track": "all" };
  const flags = Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  await initdb(bin, dataDir, "postgres", ["--encoding=UTF8", "--locale=C.UTF-8"]);
  const stop = await startServer(bin, dataDir, port, flags);
  return {
    major: major as Cluster["major"],
    port,
    dataDir,
    settings,
    url: (db = "postgres") => `postgres://postgres:postgres@127.0.0.1:${port}/${db}`,
    stop,
    restart: async () => {},
    destroy: async () => {
      await stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What production databases have and the demo lacks: quoting-hostile names, a partitioned table. */
const ODD_TABLE = 'Odd "Name" <b>x</b>';
const SITUATIONS = /* sql */ `
  CREATE SCHEMA "Ünïcode ""schema""";
  CREATE TABLE "Ünïcode ""schema"""."Odd ""Name"" <b>x</b>" (id int PRIMARY KEY, v text);
  INSERT INTO "Ünïcode ""schema"""."Odd ""Name"" <b>x</b>" SELECT g, md5(g::text) FROM generate_series(1, 1000) g;
  CREATE TABLE events (id int, at date NOT NULL) PARTITION BY RANGE (at);
  CREATE TABLE events_2026_01 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
  CREATE TABLE events_2026_02 PARTITION OF events FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
  CREATE INDEX ON events (at);
  INSERT INTO events SELECT g, date '2026-01-01' + (g % 59) FROM generate_series(1, 5000) g;
  GRANT USAGE ON SCHEMA "Ünïcode ""schema""" TO ${DEMO_CONSOLE_ROLE};`;

/** A session holding ACCESS EXCLUSIVE on the biggest demo table and one queued behind it. */
async function lockChain(appUrl: string): Promise<pg.Client[]> {
  const holder = new pg.Client({ connectionString: appUrl, application_name: "smoke-holder" });
  await holder.connect();
  const table = (await holder.query("SELECT quote_ident(relname) AS t FROM pg_stat_user_tables ORDER BY n_live_tup DESC LIMIT 1")).rows[0].t;
  await holder.query("BEGIN");
  await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  const waiter = new pg.Client({ connectionString: appUrl, application_name: "smoke-waiter" });
  waiter.on("error", () => {});
  await waiter.connect();
  waiter.query(`SELECT count(*) FROM ${table}`).catch(() => {}); // cancelled by the sweep
  return [holder, waiter];
}

async function main() {
  const clusters: { major: number; cluster: Cluster; consoleUrl: string; appUrl: string }[] = [];
  const sessions: pg.Client[] = [];
  const problems: string[] = [];
  try {
    for (const major of MAJORS) {
      const cluster = await startMajor(major);
      const demo = await prepareDemoDatabase(cluster);
      await withClient(demo.appUrl, (c) => c.query(SITUATIONS));
      // Before 17 (no pg_maintain) the console maintains what its role owns: as the README says,
      // it is granted the owning role.
      if (major < 17) await withClient(cluster.url("shop"), (c) => c.query(`GRANT ${DEMO_APP_ROLE} TO ${DEMO_CONSOLE_ROLE}`));
      await withClient(cluster.url("shop"), (c) => c.query("SELECT pg_create_physical_replication_slot('smoke_slot', true)"));
      clusters.push({ major, cluster, ...demo });
      sessions.push(...(await lockChain(demo.appUrl)));
      console.log(`PostgreSQL ${major} (${SMOKE_VERSIONS[major]}) on port ${cluster.port}`);
    }
    const stack = await startConsoleStack({
      extraServers: clusters.map((c) => ({ id: `pg${c.major}`, name: `PostgreSQL ${c.major}`, url: c.consoleUrl })),
      env: { PGWARDEN_STATEMENTS_INTERVAL_S: "2", PGWARDEN_SAMPLE_INTERVAL_S: "2" },
    });
    try {
      const sweep: Sweep = { base: stack.baseUrl, cookie: await login(stack), problems };
      for (const c of clusters) await sweepServer(sweep, `pg${c.major}`, { oddTable: ODD_TABLE, parentListed: c.major >= 14 });
    } finally {
      await stack.stop().catch((e) => problems.push(String(e)));
    }
  } finally {
    for (const s of sessions) await s.end().catch(() => {});
    for (const c of clusters) await c.cluster.destroy().catch(() => {});
  }
  console.log(problems.length ? `${problems.length} problem(s):\n${problems.join("\n")}` : `PostgreSQL ${MAJORS.join(", ")}: every call answered`);
  process.exit(problems.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
