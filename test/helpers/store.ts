// Helpers for security tests: a throwaway store, users, and calling route modules directly
// with a real Request (no browser, no server) — exactly what Next passes to a route handler.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { resetEnvCache } from "@/lib/config/env";
import { resetServerRegistry } from "@/lib/config/servers";
import { invalidate, invalidateStale } from "@/lib/pg/coalesce";
import { closeAllPools } from "@/lib/pg/pools";
import { stopJobWorker } from "@/lib/jobs/worker";
import { closeStore } from "@/lib/store/db";
import { createUser, setRole } from "@/lib/store/users";
import type { Role } from "@/lib/auth/permissions";
import { freshDatabase } from "./pg";

export const ORIGIN = "http://console.test";
export const PASSWORD = "a long enough test password";

/**
 * Points this process at a fresh store database and at `servers` as the monitored registry.
 * Call in beforeAll; each test file uses its own database names.
 */
export async function useTestConsole(opts: {
  storeServerUrl: string;
  storeName: string;
  servers: { id: string; name?: string; url: string }[];
}): Promise<{ storeUrl: string }> {
  // A job worker left by the previous suite would reopen the store (every 2 s) with the previous
  // suite's URL while this one is being created: its users would then land in the wrong store.
  await stopJobWorker();
  await closeStore();
  await closeAllPools();
  invalidate(""); // coalesced reads are keyed by server id, which the next registry reuses
  invalidateStale("");
  const storeUrl = await freshDatabase(opts.storeServerUrl, opts.storeName);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-servers-")), "servers.json");
  fs.writeFileSync(file, JSON.stringify(opts.servers.map((s) => ({ name: s.id, ...s }))));
  Object.assign(process.env, {
    PGWARDEN_STORE_URL: storeUrl,
    PGWARDEN_SERVERS: file,
    PGWARDEN_PUBLIC_ORIGIN: ORIGIN,
    PGWARDEN_SECRET: randomBytes(32).toString("base64"),
  });
  delete process.env.DATABASE_URL;
  resetEnvCache();
  resetServerRegistry();
  return { storeUrl };
}

export async function teardownTestConsole() {
  await stopJobWorker();
  await closeAllPools();
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
