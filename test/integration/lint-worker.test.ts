// Issue 8 item 2: linting never runs on the event loop. The pathological input of the issue
// (nested comments, quadratic in PostgreSQL's scanner) runs in a worker with a hard time limit
// while health checks and a cancel are answered; the route refuses it before parsing; one lint
// at a time per user.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DomainError } from "@/lib/errors";
import { resetEnvCache } from "@/lib/config/env";
import { lintInWorker, stopLintWorkers } from "@/lib/lint/worker/pool";
import { connect, pgServers, runInBackground, waitForSession } from "../helpers/pg";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

/** The request: 800 kB of nested comments (17 minutes on the event loop before). */
const NESTED = "SELECT 1;\n" + "/*".repeat(200_000) + "*/".repeat(200_000);
/** Passes every pre-check (64-character operator runs, < 10,000 statements) yet takes seconds to parse. */
const HEAVY = ("SELECT 1 " + "+-".repeat(32) + " 1;\n").repeat(9_000);

const healthRoute = () => import("@/app/api/health/route");
const cancelRoute = () => import("@/app/api/servers/[server]/activity/cancel/route");
const activityRoute = () => import("@/app/api/servers/[server]/activity/route");
const lintRoute = () => import("@/app/api/servers/[server]/lint/route");

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

function withTimeLimit(ms: number | undefined) {
  if (ms === undefined) delete process.env.PGWARDEN_LINT_TIME_LIMIT_MS;
  else process.env.PGWARDEN_LINT_TIME_LIMIT_MS = String(ms);
  resetEnvCache();
}

describe.each(pgServers())("PostgreSQL $major", (s) => {
  const server = `lintw${s.major}`;
  const cookies: Record<string, string> = {};

  const lint = async (who: string, sql: string) => {
    const res = await callRoute(await lintRoute(), "POST", `/api/servers/${server}/lint`, { cookie: cookies[who], params: { server }, body: { sql } });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; findings?: unknown[] } };
  };

  beforeAll(async () => {
    await useTestConsole({ storeServerUrl: s.url, storeName: `lint_worker_store_${s.major}`, servers: [{ id: server, url: s.url }] });
    for (const name of ["op1", "op2"]) {
      await addUser(name, "operator");
      cookies[name] = await signIn(name);
    }
  });

  afterAll(async () => {
    withTimeLimit(undefined);
    stopLintWorkers();
    await teardownTestConsole();
  });

  test("the pathological lint runs in a worker: health and a cancel are answered meanwhile, and the time limit stops it", async () => {
    const health = await healthRoute();
    const cancelMod = await cancelRoute();
    expect((await callRoute(health, "GET", "/api/health")).status).toBe(200); // store and routes warm
    const victim = await connect(s.url, `lintw-victim-${s.major}`);
    const running = runInBackground(victim, "SELECT pg_sleep(60)");
    await waitForSession(s.url, `lintw-victim-${s.major}`);
    const row = await (async () => {
      const res = await callRoute(await activityRoute(), "GET", `/api/servers/${server}/activity`, { cookie: cookies.op1, params: { server }, search: `?application=lintw-victim-${s.major}` });
      return ((await res.json()) as { sessions: { pid: number; backendStartUs: number }[] }).sessions[0]!;
    })();

    await lintInWorker("SELECT 1;", {}); // a warm worker: what follows measures the limit, not a cold start
    let settled = false;
    // This input would run for minutes: only the limit ends it, so the limit can leave ample room.
    const linting = timed(() => lintInWorker(NESTED, {}, { timeLimitMs: 8_000 }).catch((e: unknown) => e)).finally(() => (settled = true));

    // While it runs: health checks and a real cancel, each answered promptly.
    const healthMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const h = await timed(() => callRoute(health, "GET", "/api/health"));
      expect(h.value.status).toBe(200);
      healthMs.push(h.ms);
    }
    const cancel = await timed(() =>
      callRoute(cancelMod, "POST", `/api/servers/${server}/activity/cancel`, {
        cookie: cookies.op1,
        params: { server },
        body: { sessions: [{ pid: row.pid, backendStartUs: row.backendStartUs }], requestId: randomUUID() },
      }).then(async (r) => (await r.json()) as { outcomes: { outcome: string }[] }),
    );
    expect(settled, "the lint ended before the checks").toBe(false); // all of the above happened while it was running
    expect(cancel.value.outcomes[0]?.outcome).toBe("cancelled");
    expect((await running).error?.code).toBe("57014");
    // Generous for a shared machine: on the event loop they waited for the whole lint (minutes).
    const timings = `health ${healthMs.map(Math.round).join(", ")} ms, cancel ${Math.round(cancel.ms)} ms`;
    expect(cancel.ms, timings).toBeLessThan(2_000);
    expect(Math.max(...healthMs), timings).toBeLessThan(2_000);

    const { ms, value: err } = await linting;
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: "too_complex", code: "lint_too_complex" });
    expect((err as Error).message).toContain("too complex to lint in 8 s");
    expect(ms).toBeLessThan(12_000); // the limit, not 17 minutes
    await victim.end();

    // The killed worker was replaced: the next lint works.
    const ok = await lintInWorker("ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 1;", {});
    expect(ok.statementCount).toBe(1);
  });

  test("the route refuses the issue's 800 kB of nested comments before parsing, with the reason", async () => {
    expect((await lint("op1", "SELECT 1;")).status).toBe(200); // route and session warm
    const { ms, value } = await timed(() => lint("op1", NESTED));
    expect(value.status).toBe(400);
    expect(value.body.error).toMatchObject({ code: "lint_comment_nesting" });
    expect(value.body.error?.message).toContain("nested more than 32 deep at line 2");
    expect(ms).toBeLessThan(1_000);
  });

  test("a lint over the time limit gets 422 'too complex to lint in N s'; a normal one still works", async () => {
    withTimeLimit(1_000);
    try {
      const heavy = await lint("op1", HEAVY);
      expect(heavy.status).toBe(422);
      expect(heavy.body.error?.message).toMatch(/^This SQL is too complex to lint in 1 s/);
      const normal = await lint("op1", "CREATE INDEX orders_x ON orders (x);");
      expect(normal.status).toBe(200);
      expect(normal.body.findings?.length).toBeGreaterThan(0);
    } finally {
      withTimeLimit(undefined);
    }
  });

  test("a second concurrent lint by the same user gets 429; another user's is not refused", async () => {
    withTimeLimit(1_500);
    try {
      const [a, b, other] = await Promise.all([lint("op1", HEAVY), lint("op1", HEAVY), lint("op2", "SELECT 1;")]);
      expect([a.status, b.status].sort()).toEqual([422, 429]);
      const refused = a.status === 429 ? a : b;
      expect(refused.body.error).toMatchObject({ code: "lint_in_progress" });
      expect(refused.body.error?.message).toContain("already have a lint running");
      expect(other.status).toBe(200);
      // Once the first has finished, the same user may lint again.
      expect((await lint("op1", "SELECT 1;")).status).toBe(200);
    } finally {
      withTimeLimit(undefined);
    }
  });
});
