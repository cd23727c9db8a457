// C1/C2/C4/A8: every route needs a session, viewers cannot act, and no cross-site request changes anything.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connect, freshDatabase, pgServers, withDatabase } from "../helpers/pg";
import { addUser, callRoute, METHODS, ORIGIN, routeFiles, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

// /metrics has no session either: a bearer token of its own (404 while unset, see sampler-store.test.ts).
const PUBLIC_ROUTES = ["/api/auth/login", "/api/health", "/metrics"];
const CONSOLE_ROLE = "pgwarden_sec_routes";

async function consoleRoleUrl(serverUrl: string, database: string): Promise<string> {
  const admin = await connect(serverUrl);
  try {
    await admin.query(`DO $$ BEGIN CREATE ROLE ${CONSOLE_ROLE} LOGIN PASSWORD 'console-pw';
                       EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    await admin.query(`GRANT pg_monitor, pg_signal_backend TO ${CONSOLE_ROLE}`);
  } finally {
    await admin.end();
  }
  const u = new URL(withDatabase(serverUrl, database));
  u.username = CONSOLE_ROLE;
  u.password = "console-pw";
  return u.toString();
}

describe.each(pgServers())("PG $major", (s) => {
  const server = `pg${s.major}`;
  let monitoredUrl: string;

  beforeAll(async () => {
    monitoredUrl = await freshDatabase(s.url, `sec_routes_mon_${s.major}`);
    const admin = await connect(monitoredUrl);
    await admin.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await admin.end();
    await useTestConsole({
      storeServerUrl: s.url,
      storeName: `sec_routes_store_${s.major}`,
      servers: [{ id: server, url: await consoleRoleUrl(s.url, `sec_routes_mon_${s.major}`) }],
    });
    await addUser("viewer1", "viewer");
    await addUser("admin1", "admin");
  });
  afterAll(teardownTestConsole);

  test("every route on disk answers 401 without a session (except sign-in, health and the token-guarded /metrics)", async () => {
    const routes = routeFiles(server);
    expect(routes.length).toBeGreaterThan(5);
    let checked = 0;
    for (const r of routes) {
      const mod = await import(/* @vite-ignore */ r.file);
      for (const method of METHODS.filter((m) => typeof mod[m] === "function")) {
        const res = await callRoute(mod, method, r.urlPath, { params: r.params });
        if (PUBLIC_ROUTES.includes(r.urlPath)) {
          expect(res.status, `${method} ${r.urlPath}`).not.toBe(401);
        } else {
          expect(res.status, `${method} ${r.urlPath}`).toBe(401);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  test("a forged cookie (path traversal, bad MAC) and identity headers get 401", async () => {
    const me = await import("@/app/api/me/route");
    for (const cookie of ["pgwarden_session=../../etc/passwd", "pgwarden_session=" + "a".repeat(43) + ".forged"]) {
      expect((await callRoute(me, "GET", "/api/me", { cookie })).status).toBe(401);
    }
    const forged = { "x-forwarded-user": "admin1", "x-remote-user": "admin1", authorization: "Basic YWRtaW4xOng=" };
    expect((await callRoute(me, "GET", "/api/me", { headers: forged })).status).toBe(401);
  });

  test("every route handler declares its permission; a viewer gets 403 on every action route and no statement reaches the monitored database", async () => {
    const cookie = await signIn("viewer1");
    const observer = await connect(monitoredUrl);
    try {
      const calls = async () =>
        Number(
          (
            await observer.query(
              `SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1`,
              [CONSOLE_ROLE],
            )
          ).rows[0].n,
        );
      await observer.query("SELECT pg_stat_statements_reset()");
      await observer.query("SELECT pg_stat_clear_snapshot()");
      // PgBouncer routes answer 404 for a PostgreSQL id (its kind differs); their viewer 403s are
      // tested against a real PgBouncer in pgbouncer-pools.test.ts.
      const actions = routeFiles(server).filter((r) => r.urlPath.startsWith(`/api/servers/${server}/`) && !r.urlPath.includes("/pgbouncer"));
      for (const r of actions) {
        const mod = await import(/* @vite-ignore */ r.file);
        for (const m of METHODS.filter((x) => typeof mod[x] === "function")) expect(mod[m].permission, `${m} ${r.urlPath}`).toBeTruthy();
        // Every route that changes something names its audit action (or says false, with the reason).
        for (const m of METHODS.filter((x) => x !== "GET" && typeof mod[x] === "function")) expect(mod[m].spec.audit, `${m} ${r.urlPath}`).not.toBeUndefined();
      }
      let denied = 0;
      for (const r of actions) {
        const mod = await import(/* @vite-ignore */ r.file);
        // Action routes: POSTs that need more than "read" (lint, for one, is a read sent as POST).
        if (typeof mod.POST !== "function" || mod.POST.permission === "read") continue;
        // PgBouncer routes name a PgBouncer id: a PostgreSQL id there is unknown (404) before any permission.
        if (mod.POST.spec.serverKind === "pgbouncer") continue;
        const res = await callRoute(mod, "POST", r.urlPath, { cookie, params: r.params, body: {} });
        expect(res.status, `POST ${r.urlPath}`).toBe(403);
        denied++;
      }
      expect(denied).toBeGreaterThan(0);
      expect(await calls()).toBe(0);
      // Control: the same measurement does see the console role when a viewer is allowed to read.
      const info = await import("@/app/api/servers/[server]/server-info/route");
      const res = await callRoute(info, "GET", `/api/servers/${server}/server-info`, { cookie, params: { server } });
      expect(res.status).toBe(200);
      expect(await calls()).toBeGreaterThan(0);
    } finally {
      await observer.end();
    }
  });

  test("a viewer cannot read the audit log; an admin can", async () => {
    const audit = await import("@/app/api/audit/route");
    expect((await callRoute(audit, "GET", "/api/audit", { cookie: await signIn("viewer1") })).status).toBe(403);
    expect((await callRoute(audit, "GET", "/api/audit", { cookie: await signIn("admin1") })).status).toBe(200);
  });

  test("cross-origin, null or missing Origin, cross-site fetch and form bodies are refused; nothing changes", async () => {
    const cookie = await signIn("viewer1");
    const logout = await import("@/app/api/auth/logout/route");
    const password = await import("@/app/api/auth/password/route");
    const me = await import("@/app/api/me/route");
    const body = { current: "a long enough test password", next: "another long password 123" };
    const attempts = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: null },
      { origin: `${ORIGIN}.evil.example` },
      { headers: { "sec-fetch-site": "cross-site" } },
      { headers: { "sec-fetch-site": "same-site" } },
      { contentType: "application/x-www-form-urlencoded", rawBody: "current=x&next=y" },
      { contentType: "text/plain", rawBody: JSON.stringify(body) },
      { contentType: null, rawBody: JSON.stringify(body) },
    ];
    for (const a of attempts) {
      const r1 = await callRoute(logout, "POST", "/api/auth/logout", { cookie, ...a });
      const r2 = await callRoute(password, "POST", "/api/auth/password", { cookie, body, ...a });
      expect([403, 415], JSON.stringify(a)).toContain(r1.status);
      expect([403, 415], JSON.stringify(a)).toContain(r2.status);
    }
    // The session still works and the password did not change.
    expect((await callRoute(me, "GET", "/api/me", { cookie })).status).toBe(200);
    await expect(signIn("viewer1")).resolves.toContain("pgwarden_session=");
    // Login itself is guarded too (login CSRF).
    const login = await import("@/app/api/auth/login/route");
    const evil = await callRoute(login, "POST", "/api/auth/login", { origin: "https://evil.example", body: { name: "viewer1", password: "a long enough test password" } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("set-cookie")).toBeNull();
  });

  test("the session cookie is HttpOnly and SameSite=Strict; /api/me lists roles per server", async () => {
    const login = await import("@/app/api/auth/login/route");
    const res = await callRoute(login, "POST", "/api/auth/login", { body: { name: "admin1", password: "a long enough test password" } });
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const me = await import("@/app/api/me/route");
    const body = await (await callRoute(me, "GET", "/api/me", { cookie: setCookie.split(";")[0] })).json();
    expect(body.user.name).toBe("admin1");
    expect(body.servers).toEqual([expect.objectContaining({ id: server, role: "admin" })]);
    expect(body.consolePermissions).toContain("admin");
  });
});
