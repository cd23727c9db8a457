// Drives the demo workload so every page has something true to show: short queries, a runaway
// report, an idle-in-transaction worker and a lock chain. Everything re-creates itself after a
// person cancels or terminates it from the console, so the demo can be replayed.
import pg from "pg";
import { CHAIN, IDLE_IN_TRANSACTION, REPORT_QUERY, RUNAWAY_QUERY, SHORT_QUERIES } from "@/lib/demo/workload";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client(url: string, app: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: app });
  c.on("error", () => {}); // terminated from the console: expected
  await c.connect();
  return c;
}

const settle = (p: Promise<unknown>) => p.then(() => undefined, () => undefined);

export interface Workload {
  stop(): Promise<void>;
}

/** `apiUrl`: where the short API queries go (PgBouncer in the demo when there is one; default `url`). */
export function startWorkload(url: string, opts: { runawayEveryMs?: number; chainPauseMs?: number; apiUrl?: string } = {}): Workload {
  let stopped = false;
  const open = new Set<pg.Client>();
  const track = async (app: string) => {
    const c = await client(url, app);
    open.add(c);
    return c;
  };
  const drop = (c: pg.Client) => (open.delete(c), settle(c.end()));

  const trickle = new pg.Pool({ connectionString: opts.apiUrl ?? url, max: 3, application_name: "shop-api" });
  trickle.on("error", () => {});
  const timer = setInterval(() => {
    const sql = SHORT_QUERIES[Math.floor(Math.random() * SHORT_QUERIES.length)]!;
    void settle(trickle.query(sql, [1 + Math.floor(Math.random() * 500)]));
  }, 150);

  async function loop(name: string, once: () => Promise<void>, pauseMs: number) {
    while (!stopped) {
      await once().catch((err) => console.error(`demo workload (${name}):`, (err as Error).message));
      if (!stopped) await sleep(pauseMs);
    }
  }

  const runaway = async () => {
    const c = await track("nightly-report");
    await settle(c.query(RUNAWAY_QUERY));
    await drop(c);
  };

  // The report when it finishes: the Queries page shows its history (a cancelled runaway is never
  // recorded by pg_stat_statements).
  const report = async () => {
    const c = await track("nightly-report");
    await settle(c.query(REPORT_QUERY));
    await drop(c);
  };

  const idleInTransaction = async () => {
    const c = await track("billing-worker");
    for (const sql of IDLE_IN_TRANSACTION) await c.query(sql);
    // Sits idle in transaction until terminated (or the demo stops).
    await new Promise<void>((resolve) => {
      c.once("end", resolve);
      c.once("error", () => resolve());
    });
    open.delete(c);
  };

  const chain = async () => {
    const root = await track("inventory-sync");
    for (const sql of CHAIN.root) await root.query(sql);
    const w1 = await track("stock-recount");
    for (const sql of CHAIN.w1) await w1.query(sql);
    const w1done = w1.query(CHAIN.w1wait).then(() => w1.query("COMMIT"));
    const w2 = await track("audit-job");
    const w2done = w2.query(CHAIN.w2wait);
    const w3 = await track("storefront");
    const w3done = w3.query(CHAIN.w3wait);
    // Holds until someone terminates the root (or a waiter) from the console.
    await Promise.all([settle(w1done), settle(w2done), settle(w3done)]);
    await Promise.all([root, w1, w2, w3].map(drop));
  };

  void loop("runaway", runaway, opts.runawayEveryMs ?? 180_000);
  void loop("report", report, 30_000);
  void loop("idle in transaction", idleInTransaction, 20_000);
  void loop("lock chain", chain, opts.chainPauseMs ?? 60_000);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all([...open].map(drop));
      await settle(trickle.end());
    },
  };
}
