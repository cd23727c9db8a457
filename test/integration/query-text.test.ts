// Issue 8 item 4: secrets never leave the server in query text, for any role; viewers get
// normalized text by default; the audit row of a terminate records the redacted query.
import type pg from "pg";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { store } from "@/lib/store/db";
import { connect, freshDatabase, pgServers, runInBackground, waitFor } from "../helpers/pg";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const ROLE_SECRET = "Rotated-Secret-9876";
const MAPPING_SECRET = "Mapping-Secret-5432";
const DBLINK_SECRET = "Dblink-Secret-4321";
const SECRETS = [ROLE_SECRET, MAPPING_SECRET, DBLINK_SECRET];
const LITERAL = "customer-literal-77";

const activityRoute = () => import("@/app/api/servers/[server]/activity/route");
const terminateRoute = () => import("@/app/api/servers/[server]/activity/terminate/route");
const previewRoute = () => import("@/app/api/servers/[server]/jobs/vacuum-full/route");
const lintRoute = () => import("@/app/api/servers/[server]/lint/route");

interface Row {
  pid: number;
  application: string;
  backendStartUs: number;
  query: string | null;
}

describe.each(pgServers())("PostgreSQL $major", (s) => {
  const server = `redact${s.major}`;
  const db = `redact_mon_${s.major}`;
  const target = `redact_target_${s.major}`;
  let url: string;
  let relid: number;
  const cookies: Record<string, string> = {};
  const sessions: pg.Client[] = [];

  /** A session that ran `sql` last and now sits idle (or idle in transaction) with it. */
  async function idleAfter(app: string, sql: string, state = "idle") {
    const c = await connect(url, app);
    sessions.push(c);
    await runInBackground(c, sql); // some fail on purpose (dblink to a closed port)
    const observer = await connect(url, "redact-observer");
    try {
      await waitFor(async () => {
        const { rows } = await observer.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state = $2 AND query = $3", [app, state, sql]);
        return rows.length === 1;
      }, `${app} ${state} after its statement`);
    } finally {
      await observer.end();
    }
  }

  async function activityAs(who: string, search = ""): Promise<{ raw: string; rows: Row[] }> {
    const res = await callRoute(await activityRoute(), "GET", `/api/servers/${server}/activity`, { cookie: cookies[who], params: { server }, search });
    expect(res.status).toBe(200);
    const raw = await res.text();
    return { raw, rows: (JSON.parse(raw) as { sessions: Row[] }).sessions.filter((r) => r.application.startsWith("redact-")) };
  }

  beforeAll(async () => {
    url = await freshDatabase(s.url, db);
    const admin = await connect(url);
    try {
      await admin.query(`DROP ROLE IF EXISTS ${target}`);
      await admin.query(`CREATE ROLE ${target}`);
      // A wrapper without handler is enough for CREATE SERVER / USER MAPPING; dblink ships with both majors.
      await admin.query(`CREATE FOREIGN DATA WRAPPER redact_fdw; CREATE SERVER redact_srv FOREIGN DATA WRAPPER redact_fdw`);
      await admin.query(`CREATE EXTENSION dblink`);
      await admin.query(`CREATE TABLE redact_t (id int)`);
      relid = Number((await admin.query(`SELECT 'redact_t'::regclass::oid AS oid`)).rows[0].oid);
    } finally {
      await admin.end();
    }
    await useTestConsole({ storeServerUrl: s.url, storeName: `redact_store_${s.major}`, servers: [{ id: server, url }] });
    for (const role of ["viewer", "operator", "admin"] as const) {
      await addUser(`${role}1`, role);
      cookies[role] = await signIn(`${role}1`);
    }
    await idleAfter("redact-alter", `ALTER ROLE ${target} PASSWORD '${ROLE_SECRET}'`);
    await idleAfter("redact-mapping", `CREATE USER MAPPING FOR ${target} SERVER redact_srv OPTIONS (user 'remote', password '${MAPPING_SECRET}')`);
    await idleAfter("redact-dblink", `SELECT dblink_connect('redact', 'host=127.0.0.1 port=1 dbname=x password=${DBLINK_SECRET}')`);
    await idleAfter("redact-plain", `SELECT '${LITERAL}' AS note, 12345 AS n`);
    // Holds a lock on redact_t (VACUUM FULL preview, lint blast radius) with a secret in its last statement.
    await idleAfter("redact-locker", `BEGIN; LOCK TABLE redact_t IN ACCESS SHARE MODE; ALTER ROLE ${target} PASSWORD '${ROLE_SECRET}'`, "idle in transaction");
  });

  afterAll(async () => {
    for (const c of sessions) await c.end().catch(() => {});
    await teardownTestConsole();
  });

  test.each(["viewer", "operator", "admin"])("%s: no secret in the activity API, and the statements are still there", async (who) => {
    const { raw, rows } = await activityAs(who);
    for (const secret of SECRETS) expect(raw).not.toContain(secret);
    const byApp = new Map(rows.map((r) => [r.application, r.query]));
    expect([...byApp.keys()].sort()).toEqual(["redact-alter", "redact-dblink", "redact-locker", "redact-mapping", "redact-plain"]);
    if (who === "viewer") {
      expect(byApp.get("redact-alter")).toBe(`ALTER ROLE ${target} PASSWORD $1`);
      expect(byApp.get("redact-plain")).toBe("SELECT $1 AS note, $2 AS n");
    } else {
      expect(byApp.get("redact-alter")).toBe(`ALTER ROLE ${target} PASSWORD '[redacted]'`);
      expect(byApp.get("redact-mapping")).toBe(`CREATE USER MAPPING FOR ${target} SERVER redact_srv OPTIONS (user 'remote', password '[redacted]')`);
      expect(byApp.get("redact-dblink")).toBe(`SELECT dblink_connect('[redacted]', '[redacted]')`);
      expect(byApp.get("redact-plain")).toBe(`SELECT '${LITERAL}' AS note, 12345 AS n`);
    }
  });

  test("a search cannot find what the role does not see (secrets for everyone, literals for viewers)", async () => {
    expect((await activityAs("admin", `?text=${ROLE_SECRET}`)).rows).toEqual([]);
    expect((await activityAs("admin", `?text=${LITERAL}`)).rows.map((r) => r.application)).toEqual(["redact-plain"]);
    expect((await activityAs("viewer", `?text=${LITERAL}`)).rows).toEqual([]);
  });

  test.each(["viewer", "admin"])("%s: the VACUUM FULL preview and the lint blast radius show the locker without its secret", async (who) => {
    const preview = await callRoute(await previewRoute(), "GET", `/api/servers/${server}/jobs/vacuum-full`, {
      cookie: cookies[who],
      params: { server },
      search: `?db=${db}&relid=${relid}`,
    });
    expect(preview.status).toBe(200);
    const users = ((await preview.json()) as { users: { application: string; query: string }[] }).users;
    const locker = users.find((u) => u.application === "redact-locker");
    expect(locker?.query).toBe(
      who === "viewer"
        ? `BEGIN; LOCK TABLE redact_t IN ACCESS SHARE MODE; ALTER ROLE ${target} PASSWORD $1`
        : `BEGIN; LOCK TABLE redact_t IN ACCESS SHARE MODE; ALTER ROLE ${target} PASSWORD '[redacted]'`,
    );

    const lint = await callRoute(await lintRoute(), "POST", `/api/servers/${server}/lint`, {
      cookie: cookies[who],
      params: { server },
      body: { sql: "ALTER TABLE redact_t ADD COLUMN c int;", db },
    });
    expect(lint.status).toBe(200);
    const raw = await lint.text();
    expect(raw).toContain("redact-locker");
    expect(raw).not.toContain(ROLE_SECRET);
    expect(raw).toContain(who === "viewer" ? "PASSWORD $1" : "PASSWORD '[redacted]'");
  });

  test("the audit rows of a terminate record the redacted query it interrupted", async () => {
    const victim = (await activityAs("admin")).rows.find((r) => r.application === "redact-alter")!;
    const res = await callRoute(await terminateRoute(), "POST", `/api/servers/${server}/activity/terminate`, {
      cookie: cookies.operator,
      params: { server },
      body: { sessions: [{ pid: victim.pid, backendStartUs: victim.backendStartUs }], requestId: randomUUID(), confirm: "terminate" },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { outcomes: { outcome: string }[] }).outcomes[0]?.outcome).toBe("terminated");
    const { rows } = await (await store()).query(
      `SELECT kind, outcome, params->>'query' AS query, a::text AS whole FROM audit_log a WHERE action = 'terminate' AND target_pid = $1 ORDER BY id`,
      [victim.pid],
    );
    expect(rows.map((r) => [r.kind, r.outcome])).toEqual([["intent", null], ["outcome", "ok"]]);
    expect(rows[1].query).toBe(`ALTER ROLE ${target} PASSWORD '[redacted]'`);
    const all = await (await store()).query(`SELECT count(*)::int AS n FROM audit_log a WHERE a::text LIKE '%' || $1 || '%'`, [ROLE_SECRET]);
    expect(all.rows[0].n).toBe(0);
  });
});
