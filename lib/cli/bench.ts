// npm run bench: the figures the issues ask for, measured in one run on this machine.
// Not part of pass/fail; printed for the closing notes.
import { benchActivity } from "../../test/bench/activity-bench";
import { benchHealth } from "../../test/bench/health-bench";
import { benchLint } from "../../test/bench/lint-bench";
import { benchMonitoring } from "../../test/bench/monitoring-bench";
import { benchStatements } from "../../test/bench/statements-bench";
import { benchStorage } from "../../test/bench/storage-bench";
import { startConsoleStack } from "../../test/helpers/console-stack";

const seconds = Number(process.env.BENCH_SECONDS || 30);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS || 60);
const sessions = Number(process.env.BENCH_SESSIONS || 2000);
const only = process.env.BENCH_ONLY; // "activity", "lint", "storage", "monitoring", "queries" or "health"
const want = (part: string) => !only || only === part;
const samplerSeconds = Number(process.env.BENCH_SAMPLER_SECONDS || 60);

function print(title: string, figures: Record<string, number | string>) {
  console.log(`\n== ${title}`);
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  for (const [k, v] of Object.entries(figures)) console.log(`  ${k.padEnd(width)}  ${v}`);
}

async function main() {
  if (want("activity")) {
    // The sampler's own cost is measured below; here the figures are the pages' alone.
    const stack = await startConsoleStack({ pgSettings: { max_connections: sessions + 300 }, env: { PGWARDEN_SAMPLER: "off" } });
    try {
      print(`activity (${seconds} s per phase, ${sessions} sessions)`, await benchActivity(stack, { seconds, idleSeconds, sessions }));
    } finally {
      await stack.stop();
    }
  }
  if (want("lint")) {
    // Event-loop figures without the sampler's ticks in them (its cost is measured on its own).
    const stack = await startConsoleStack({ env: { PGWARDEN_SAMPLER: "off" } });
    try {
      print(`lint off the event loop (${seconds} s per phase)`, await benchLint(stack, { seconds }));
    } finally {
      await stack.stop();
    }
  }
  if (want("storage")) {
    // Its own console stack (PostgreSQL 18 with more lock slots for the one-statement fixture).
    print(`storage (1,000 and 10,000 tables, ${idleSeconds} s viewer)`, await benchStorage({ idleSeconds, viewers: 20, viewerSeconds: seconds }));
  }
  if (want("health")) {
    const { startCluster } = await import("@/lib/embedded/cluster");
    const cluster = await startCluster({ major: 18 });
    try {
      print("health checks (10,000 tables, 10,000 sequences)", await benchHealth(cluster.url()));
    } finally {
      await cluster.destroy();
    }
  }
  if (want("monitoring")) {
    print(`monitoring (sampler cost, 200 servers over ${samplerSeconds} s, 7-day charts)`, await benchMonitoring({ seconds: samplerSeconds }));
  }
  if (want("queries")) {
    print("queries (pg_stat_statements snapshots, top queries over 1 h)", await benchStatements());
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error("bench failed:", err);
    process.exit(1);
  },
);
