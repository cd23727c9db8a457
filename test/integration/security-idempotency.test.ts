// Issue 8, item 5: idempotency in the store, keyed by user and request id and bound to the server,
// action, target and body. A repeat gets the first response and sends nothing (also after a
// restart); the same id for a different request is a 409; another user's id is their own; rows
// expire after 24 hours.
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { closeStore } from "@/lib/store/db";
import { connect, pgServers, runInBackground, waitForSession } from "../helpers/pg";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

describe.each(pgServers())("PG $major", (s) => {
  let storeUrl: string;
  let op1: string;
  let op2: string;

  beforeAll(async () => {
    ({ storeUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `sec_idem_store_${s.major}`, servers: [{ id: "one", url: s.url }] }));
    await addUser("op1", "operator");
    await addUser("op2", "operator");
    op1 = await signIn("op1");
    op2 = await signIn("op2");
  });
  afterAll(teardownTestConsole);

  const route = (kind: "cancel" | "terminate") =>
    kind === "cancel" ? import("@/app/api/servers/[server]/activity/cancel/route") : import("@/app/api/servers/[server]/activity/terminate/route");
  const send = async (cookie: string, kind: "cancel" | "terminate", body: Record<string, unknown>) =>
    callRoute(await route(kind), "POST", `/api/servers/one/activity/${kind}`, { cookie, params: { server: "one" }, body });

  /** A session running pg_sleep, with its identity as the activity API carries it. */
  async function victim(name: string) {
    const c = await connect(s.url, name);
    const running = runInBackground(c, "SELECT pg_sleep(600)");
    const { pid } = await waitForSession(s.url, name);
    const obs = await connect(s.url);
    const us = Number((await obs.query(`SELECT floor(extract(epoch FROM backend_start) * 1000000)::int8 AS us FROM pg_stat_activity WHERE pid = $1`, [pid])).rows[0].us);
    await obs.end();
    return { c, pid, ref: { pid, backendStartUs: us }, running };
  }

  async function intents(st: pg.Client, pid: number) {
    return Number((await st.query(`SELECT count(*) AS n FROM audit_log WHERE kind = 'intent' AND target_pid = $1`, [pid])).rows[0].n);
  }

  async function queryStart(pid: number) {
    const obs = await connect(s.url);
    try {
      return (await obs.query(`SELECT state, query_start FROM pg_stat_activity WHERE pid = $1`, [pid])).rows[0];
    } finally {
      await obs.end();
    }
  }

  test("a repeat (even at the same moment, even after a restart) gets the first response and signals nothing", async () => {
    const v = await victim("idem-repeat");
    const st = await connect(storeUrl);
    try {
      const body = { sessions: [v.ref], requestId: randomUUID() };
      const [a, b] = await Promise.all([send(op1, "cancel", body), send(op1, "cancel", body)]);
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      const first = await a.json();
      expect(await b.json()).toEqual(first);
      expect(first.outcomes[0].outcome).toBe("cancelled");
      expect((await v.running).error?.code).toBe("57014");
      expect(await intents(st, v.pid)).toBe(1);

      // The session runs its next query; the console restarts; the same request comes again.
      const next = runInBackground(v.c, "SELECT pg_sleep(600)");
      await waitForSession(s.url, "idem-repeat");
      const before = await queryStart(v.pid);
      await closeStore();
      const again = await send(op1, "cancel", body);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(first);
      expect(await intents(st, v.pid)).toBe(1);
      expect(await queryStart(v.pid)).toEqual(before); // still the same query, running
      const su = await connect(s.url);
      await su.query("SELECT pg_terminate_backend($1)", [v.pid]);
      await su.end();
      expect((await next).error).toBeTruthy(); // ended by the test, not by a second cancel
    } finally {
      await st.end();
      await v.c.end().catch(() => {});
    }
  });

  test("the same id for a different request is a 409 and sends nothing; another user's id is their own", async () => {
    const v = await victim("idem-conflict");
    const st = await connect(storeUrl);
    try {
      const requestId = randomUUID();
      const other = await victim("idem-conflict-other");
      const first = await send(op1, "cancel", { sessions: [other.ref], requestId });
      expect(first.status).toBe(200);
      await other.running;
      // Same id: a terminate instead of a cancel, and a cancel of other sessions — both refused.
      const asTerminate = await send(op1, "terminate", { sessions: [other.ref], requestId, confirm: "terminate" });
      expect(asTerminate.status).toBe(409);
      expect((await asTerminate.json()).error.code).toBe("request_id_conflict");
      const otherTarget = await send(op1, "cancel", { sessions: [v.ref], requestId });
      expect(otherTarget.status).toBe(409);
      expect(await intents(st, v.pid)).toBe(0);
      expect((await queryStart(v.pid)).state).toBe("active");
      // Another user with the very same id: their own request, their own outcome.
      const mine = await send(op2, "cancel", { sessions: [v.ref], requestId });
      expect(mine.status).toBe(200);
      expect((await mine.json()).outcomes[0].outcome).toBe("cancelled");
      expect((await v.running).error?.code).toBe("57014");
      await other.c.end().catch(() => {});
    } finally {
      await st.end();
      await v.c.end().catch(() => {});
    }
  });

  test("ids expire after 24 hours", async () => {
    const v = await victim("idem-expiry");
    const st = await connect(storeUrl);
    try {
      const body = { sessions: [v.ref], requestId: randomUUID() };
      expect((await send(op1, "cancel", body)).status).toBe(200);
      await v.running;
      const next = runInBackground(v.c, "SELECT pg_sleep(600)");
      await waitForSession(s.url, "idem-expiry");
      // 23 hours on: still a repeat.
      await st.query(`UPDATE action_requests SET created_at = now() - interval '23 hours' WHERE request_id = $1`, [body.requestId]);
      expect((await send(op1, "cancel", body)).status).toBe(200);
      expect(await intents(st, v.pid)).toBe(1);
      // 25 hours on: forgotten, so it is a new request and it acts.
      await st.query(`UPDATE action_requests SET created_at = now() - interval '25 hours' WHERE request_id = $1`, [body.requestId]);
      const fresh = await send(op1, "cancel", body);
      expect((await fresh.json()).outcomes[0].outcome).toBe("cancelled");
      expect((await next).error?.code).toBe("57014");
      expect(await intents(st, v.pid)).toBe(2);
    } finally {
      await st.end();
      await v.c.end().catch(() => {});
    }
  });
});
