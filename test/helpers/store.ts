// Helpers for security tests: a throwaway store, users, and calling route modules directly
// with a real Request (no browser, no server) — exactly what Next passes to a route handler.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { resetEnvCache } from "@/lib/config/env";
import { resetServerRegistry } from "@/lib/config/servers";
import { stopJobWorker } from "@/lib/jobs/worker";
import { ALL_KEYS } from "@/lib/pg/cache-keys";
import { invalidateReads, invalidateSnapshots } from "@/lib/pg/cache";
import { closeJobPools } from "@/lib/pg/job-connection";
import { forgetPoolerVerdicts } from "@/lib/pg/pooler";
import { closeAllPools } from "@/lib/pg/pools";
import { closeStore } from "@/lib/store/db";
import { provisionStore, STORE_APP_ROLE, STORE_OWNER_ROLE } from "@/lib/store/roles";
import { createUser, setRole } from "@/lib/store/users";
import type { Role } from "@/lib/auth/permissions";
import type { FleetResponse } from "@/lib/schemas/metrics";
import { connect, withDatabase } from "./pg";

export const ORIGIN = "http://console.test";
export const PASSWORD = "a long enough test password";

// The store's roles as the README asks of an external store: an owner that migrates and a
// non-superuser login for the console. Fixed passwords: every test file of a run shares the roles.
export const STORE_APP_PASSWORD = "pgwarden-test-store-app";
export const STORE_OWNER_PASSWORD = "pgwarden-test-store-owner";

function asRole(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = user;
  u.password = password;
  return u.toString();
}

/**
 * A fresh store database on `serverUrl` (a superuser URL), provisioned with the store's roles.
 * Returns the console's login URL (appUrl), the owner's (ownerUrl) and the superuser's (superUrl).
 */
export async function freshStore(serverUrl: string, name: string): Promise<{ appUrl: string; ownerUrl: string; superUrl: string }> {
  const admin = await connect(serverUrl);
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await provisionStore({ connectionString: serverUrl }, { database: name, appPassword: STORE_APP_PASSWORD, ownerPassword: STORE_OWNER_PASSWORD });
  const superUrl = withDatabase(serverUrl, name);
  return {
    appUrl: asRole(superUrl, STORE_APP_ROLE, STORE_APP_PASSWORD),
    ownerUrl: asRole(superUrl, STORE_OWNER_ROLE, STORE_OWNER_PASSWORD),
    superUrl,
  };
}

/**
 * Points this process at a fresh store database and at `servers` as the monitored registry.
 * Call in beforeAll; each test file uses its own database names.
 */
export async function useTestConsole(opts: {
  storeServerUrl: string;
  storeName: string;
  /** entries of the servers file (PgBouncer entries with `kind: "pgbouncer"`) */
  servers: { id: string; name?: string; url: string; pooler?: "pgbouncer"; directUrl?: string; kind?: "postgres" | "pgbouncer"; pgbouncer?: string; cores?: number }[];
  /**
   * PGWARDEN_HEALTH_OTHER_DATABASES; 0 by default: the shared test clusters hold every test file's
   * databases, and a background health run there would take locks and connections in theirs.
   */
  healthOtherDatabases?: number;
}): Promise<{ storeUrl: string; ownerUrl: string; superUrl: string }> {
  // A job worker left running by the previous case would reopen the old store on its next tick.
  await stopJobWorker();
  const { appUrl: storeUrl, ownerUrl, superUrl } = await freshStore(opts.storeServerUrl, opts.storeName);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-servers-")), "servers.json");
  fs.writeFileSync(file, JSON.stringify(opts.servers.map((s) => ({ name: s.id, ...s }))));
  // The environment first, then close what is open: anything that reopens the store meanwhile
  // (the job worker's tick, a late request of the previous case) can only get the new one.
  Object.assign(process.env, {
    PGWARDEN_STORE_URL: storeUrl,
    PGWARDEN_STORE_MIGRATION_URL: ownerUrl,
    PGWARDEN_SERVERS: file,
    PGWARDEN_PUBLIC_ORIGIN: ORIGIN,
    PGWARDEN_SECRET: randomBytes(32).toString("base64"),
    PGWARDEN_HEALTH_OTHER_DATABASES: String(opts.healthOtherDatabases ?? 0),
  });
  delete process.env.DATABASE_URL;
  resetEnvCache();
  resetServerRegistry();
  await closeStore();
  await closeAllPools();
  await closeJobPools();
  forgetPoolerVerdicts();
  invalidateReads(ALL_KEYS); // coalesced reads are keyed by server id, which the next registry reuses
  invalidateSnapshots(ALL_KEYS);
  return { storeUrl, ownerUrl, superUrl };
}

export async function teardownTestConsole() {
  await stopJobWorker();
  await closeAllPools();
  await closeJobPools();
  await closeStore();
}

export async function addUser(name: string, role: Role, overrides: Record<string, Role> = {}) {
  const id = await createUser(name, PASSWORD, role);
  for (const [server, r] of Object.entries(overrides)) await setRole(name, r, server);
  return id;
}

type RouteModule = Record<string, unknown>;
type RouteFn = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface CallOptions {
  cookie?: string;
  body?: unknown;
  /** raw body (form-encoded tests); overrides body */
  rawBody?: string;
  contentType?: string | null;
  /** null: send no Origin header */
  origin?: string | null;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  search?: string;
}

/** Calls an exported method of a route module the way Next does. */
export function callRoute(mod: RouteModule, method: string, urlPath: string, o: CallOptions = {}): Promise<Response> {
  const fn = mod[method] as RouteFn | undefined;
  if (typeof fn !== "function") throw new Error(`route ${urlPath} has no ${method}`);
  const headers = new Headers(o.headers);
  if (o.cookie) headers.set("cookie", o.cookie);
  const write = method !== "GET" && method !== "HEAD";
  if (write) {
    if (o.origin !== null) headers.set("origin", o.origin ?? ORIGIN);
    if (o.contentType !== null) headers.set("content-type", o.contentType ?? "application/json");
  }
  const init: RequestInit = { method, headers };
  if (write) init.body = o.rawBody ?? JSON.stringify(o.body ?? {});
  const req = new Request(`${ORIGIN}${urlPath}${o.search ?? ""}`, init);
  return fn(req, { params: Promise.resolve(o.params ?? {}) });
}

/** Signs in through the real login route and returns the Cookie header value to send back. */
export async function signIn(name: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<string> {
  const login = await import("@/app/api/auth/login/route");
  const res = await callRoute(login, "POST", "/api/auth/login", { body: { name, password }, headers });
  if (res.status !== 200) throw new Error(`sign-in of ${name} failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  return setCookie.split(";")[0]!;
}

export interface RouteFile {
  file: string;
  /** URL path with dynamic segments filled in */
  urlPath: string;
  params: Record<string, string>;
}

/** Every app/**\/route.ts on disk, so a new route is covered without editing the tests. */
export function routeFiles(serverId: string): RouteFile[] {
  const root = path.resolve(import.meta.dirname, "../../app");
  const out: RouteFile[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === "route.ts") out.push(toRoute(root, p, serverId));
    }
  };
  walk(root);
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

function toRoute(root: string, file: string, serverId: string): RouteFile {
  const params: Record<string, string> = {};
  const segments = path
    .relative(root, path.dirname(file))
    .split(path.sep)
    .filter((s) => !/^\(.*\)$/.test(s)) // route groups are not part of the URL
    .map((s) => {
      const m = /^\[(?:\.\.\.)?(\w+)\]$/.exec(s);
      if (!m) return s;
      params[m[1]!] = m[1] === "server" ? serverId : "1";
      return params[m[1]!]!;
    });
  return { file, urlPath: `/${segments.join("/")}`, params };
}

export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;

/** GET /api/fleet as the holder of `cookie` (a 200 is asserted): the cards the fleet page draws. */
export async function fleetAs(cookie: string): Promise<FleetResponse> {
  const route = await import("@/app/api/fleet/route");
  const res = await callRoute(route, "GET", "/api/fleet", { cookie });
  expect(res.status).toBe(200);
  return (await res.json()) as FleetResponse;
}
