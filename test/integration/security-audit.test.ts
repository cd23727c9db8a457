// C7: intent and outcome rows for allowed, denied, already-gone and failed actions; the log is
// append-only; the audit route filters and exports CSV. Store migrations apply and are idempotent.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connect, pgServers, runInBackground, waitForSession } from "../helpers/pg";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";
import { auditIntent, auditOutcome, auditorFor } from "@/lib/store/audit";
import { auditRows } from "@/lib/store/audit-log";
import { migrateStore } from "@/lib/store/db";

describe.each(pgServers())("PG $major", (s) => {
  let storeUrl: string;
  let ownerUrl: string;
  const who = { user: { id: 1, name: "op" }, role: "operator" as const, server: "one", database: "postgres", client: "10.0.0.7" };

  beforeAll(async () => {
    ({ storeUrl, ownerUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `sec_audit_store_${s.major}`, servers: [{ id: "one", url: s.url }] }));
    await addUser("auditor", "admin");
    await addUser("looker", "viewer");
  });
  afterAll(teardownTestConsole);

  test("an action refused before acting is audited by the handler: a VACUUM of a relation that does not exist", async () => {
    await addUser("op-refused", "operator");
    const cookie = await signIn("op-refused");
    const vacuum = await import("@/app/api/servers/[server]/jobs/vacuum/route");
    const res = await callRoute(vacuum, "POST", "/api/servers/one/jobs/vacuum", {
      cookie,
      params: { server: "one" },
      body: { command: "vacuum", relids: [2_000_000_000], options: {} },
    });
    expect(res.status).toBe(404);
    const rows = await auditRows({ server: "one", user: "op-refused", limit: 5 });
    expect(rows[0]).toMatchObject({ kind: "event", action: "vacuum", outcome: "failed", user: "op-refused" });
    expect(rows[0]?.detail).toContain("relation_not_found");
  });

  test("migrations apply on a fresh database and a second run changes nothing", async () => {
    // useTestConsole's store is migrated on first use; force it, then run again.
    await auditRows({ limit: 1 });
    expect(await migrateStore(ownerUrl)).toEqual([]);
    const c = await connect(storeUrl);
    try {
      const { rows } = await c.query(`SELECT name FROM pgmigrations`);
      expect(rows.map((r) => r.name)).toContain("1767225600000_auth-and-audit");
      const tables = await c.query(`SELECT relname FROM pg_class WHERE relname IN ('users','sessions','audit_log','login_throttle','user_server_roles')`);
      expect(tables.rowCount).toBe(5);
    } finally {
      await c.end();
    }
  });

  test("a real cancel, a signal to a gone pid, and a failing call each get intent + outcome rows", async () => {
    const audit = auditorFor(who);
    const victim = await connect(s.url, "sec-audit-victim");
    const running = runInBackground(victim, "SELECT pg_sleep(30)");
    const { pid } = await waitForSession(s.url, "sec-audit-victim");
    const actor = await connect(s.url, "sec-audit-actor");
    try {
      // allowed → ok
      const okId = await audit.intent({ action: "cancel", target: { pid, backendStartUs: 1_700_000_000_123_456 } });
      const sent = (await actor.query("SELECT pg_cancel_backend($1) AS ok", [pid])).rows[0].ok;
      await audit.outcome(okId, { outcome: sent ? "cancelled" : "already_gone" });
      expect((await running).error?.code).toBe("57014");
      // a pid that no longer exists → PostgreSQL answers false (with a WARNING) → already_gone
      const goneId = await audit.intent({ action: "terminate", target: { pid: 2_000_000_000 } });
      const gone = (await actor.query("SELECT pg_terminate_backend(2000000000) AS ok")).rows[0].ok;
      await audit.outcome(goneId, { outcome: gone ? "terminated" : "already_gone", message: "session already gone" });
      // failure with SQLSTATE: VACUUM inside a transaction block (25001)
      const failId = await auditIntent({ ...who, action: "vacuum", target: { oid: 1259, name: "pg_class" }, params: { analyze: true, password: "hunter2" } });
      const err = await actor.query("BEGIN; VACUUM pg_class;").catch((e: pg.DatabaseError) => e);
      await actor.query("ROLLBACK");
      await auditOutcome(failId, "failed", (err as pg.DatabaseError).code, (err as Error).message);
    } finally {
      await victim.end();
      await actor.end();
    }
    const rows = await auditRows({ server: "one", limit: 20 });
    const outcomeOf = (action: string) => rows.find((r) => r.action === action && r.kind === "outcome");
    expect(outcomeOf("cancel")).toMatchObject({ outcome: "ok", targetPid: pid, user: "op", role: "operator", client: "10.0.0.7" });
    expect(outcomeOf("cancel")?.targetBackendStart).toBe("2023-11-14T22:13:20.123Z");
    expect(outcomeOf("terminate")).toMatchObject({ outcome: "already_gone" });
    expect(outcomeOf("vacuum")).toMatchObject({ outcome: "failed", sqlstate: "25001", targetOid: 1259, targetName: "pg_class" });
    // every outcome points back at its intent
    for (const action of ["cancel", "terminate", "vacuum"]) {
      const intent = rows.find((r) => r.action === action && r.kind === "intent");
      expect(outcomeOf(action)?.intentId).toBe(intent?.id);
    }
    // secrets never reach audit rows, whatever the caller passed
    expect(JSON.stringify(rows)).not.toContain("hunter2");
  });

  test("the authorization check records denied attempts itself", async () => {
    const cookie = await signIn("looker");
    const cancel = await import("@/app/api/servers/[server]/activity/cancel/route");
    const res = await callRoute(cancel, "POST", "/api/servers/one/activity/cancel", {
      cookie,
      params: { server: "one" },
      body: { sessions: [{ pid: 1, backendStartUs: 1 }], requestId: crypto.randomUUID() },
      // what lib/auth/peer-address.ts stamps on a request from that TCP peer
      headers: { "x-pgwarden-peer": "192.0.2.44" },
    });
    expect(res.status).toBe(403);
    const [row] = await auditRows({ user: "looker", outcome: "denied", limit: 5 });
    expect(row).toMatchObject({ kind: "event", action: "cancel", role: "viewer", server: "one", client: "192.0.2.44" });
    expect(row?.params).toMatchObject({ method: "POST", path: "/api/servers/one/activity/cancel" });
  });

  test("the audit log refuses UPDATE, DELETE and TRUNCATE — to the console's login and to the owner", async () => {
    const asApp = new pg.Client({ connectionString: storeUrl });
    const owner = new pg.Client({ connectionString: ownerUrl });
    await Promise.all([asApp.connect(), owner.connect()]);
    try {
      const before = Number((await owner.query("SELECT count(*) AS n FROM audit_log")).rows[0].n);
      expect(before).toBeGreaterThan(0);
      // The owner is refused by the trigger, the console's login already by its grants.
      for (const c of [asApp, owner]) {
        for (const sql of ["UPDATE audit_log SET outcome = 'ok'", "DELETE FROM audit_log", "TRUNCATE audit_log"]) {
          await expect(c.query(sql), sql).rejects.toMatchObject({ code: "42501" });
        }
      }
      await expect(asApp.query("ALTER TABLE audit_log DISABLE TRIGGER USER")).rejects.toMatchObject({ code: "42501" });
      expect(Number((await owner.query("SELECT count(*) AS n FROM audit_log")).rows[0].n)).toBe(before);
    } finally {
      await Promise.all([asApp.end(), owner.end()]);
    }
  });

  test("the audit route filters, pages and exports CSV", async () => {
    const cookie = await signIn("auditor");
    const route = await import("@/app/api/audit/route");
    const page = await callRoute(route, "GET", "/api/audit", { cookie, search: "?server=one&outcome=failed&limit=1" });
    expect(page.status).toBe(200);
    const body = await page.json();
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0]).toMatchObject({ action: "vacuum", outcome: "failed" });
    const csv = await callRoute(route, "GET", "/api/audit", { cookie, search: "?server=one&format=csv" });
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment/);
    const text = await csv.text();
    expect(text.split("\r\n")[0]).toMatch(/^id,at,kind,intentId,user/);
    expect(text).toContain("25001");
    const bad = await callRoute(route, "GET", "/api/audit", { cookie, search: "?outcome=everything" });
    expect(bad.status).toBe(400);
  });

  test("issue 8 item 2: the CSV export streams in chunks and the event loop keeps turning meanwhile", async () => {
    const owner = new pg.Client({ connectionString: ownerUrl });
    await owner.connect();
    try {
      await owner.query(`INSERT INTO audit_log (kind, user_name, server, action, outcome, params, detail)
                         SELECT 'event', 'bulk', 'csv', 'vacuum', 'ok', jsonb_build_object('n', g), repeat('x', 200)
                           FROM generate_series(1, 12000) g`);
    } finally {
      await owner.end();
    }
    const cookie = await signIn("auditor");
    const route = await import("@/app/api/audit/route");
    const res = await callRoute(route, "GET", "/api/audit", { cookie, search: "?server=csv&format=csv" });
    expect(res.status).toBe(200);
    // Count event-loop turns while the export is produced: a file built in one go has one chunk and
    // lets nothing else run while it is being built.
    let turns = 0;
    let spinning = true;
    const spin = () => {
      turns++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let chunks = 0;
    const turnsAtChunk: number[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      turnsAtChunk.push(turns);
      text += decoder.decode(value, { stream: true });
    }
    spinning = false;
    const lines = text.split("\r\n").filter(Boolean);
    expect(lines).toHaveLength(12_001); // header + every row
    expect(lines[1]).toContain("bulk");
    expect(chunks).toBeGreaterThanOrEqual(12);
    // Other work ran between the chunks, not only before and after.
    const between = turnsAtChunk.slice(1).filter((t, i) => t > turnsAtChunk[i]!).length;
    expect(between).toBeGreaterThanOrEqual(10);
  });
});
