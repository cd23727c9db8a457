// Issue 8, item 10 (third part): a per-server role "none" hides a server from a user. It is not
// listed, and every route of it answers exactly as for an id that does not exist (404
// unknown_server), whatever the method or the user's default role. Set with the user CLI.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { auditRows } from "@/lib/store/audit-log";
import { findUser } from "@/lib/store/users";
import { pgServers } from "../helpers/pg";
import { addUser, callRoute, METHODS, routeFiles, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const ROOT = path.resolve(import.meta.dirname, "../..");

function userCli(...args: string[]) {
  return spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "lib/cli/user.ts", ...args], { cwd: ROOT, env: process.env, encoding: "utf8" });
}

describe.each(pgServers())("PG $major", (s) => {
  beforeAll(async () => {
    await useTestConsole({ storeServerUrl: s.url, storeName: `sec_hidden_store_${s.major}`, servers: [{ id: "one", url: s.url }, { id: "two", url: s.url }] });
    await addUser("hider", "operator");
    await addUser("seer", "viewer");
  });
  afterAll(teardownTestConsole);

  test("the CLI sets it: npm run user -- set-role NAME --server ID none", async () => {
    const r = userCli("set-role", "hider", "--server", "two", "none");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/hider on two: none/);
    expect((await findUser("hider"))?.overrides).toEqual({ two: "none" });
    // Only as a per-server role: a default role of "none" is refused.
    const bad = userCli("set-role", "seer", "none");
    expect(bad.status).not.toBe(0);
    expect((await findUser("seer"))?.defaultRole).toBe("viewer");
  });

  test("a hidden server is not listed and answers every route exactly like an unknown id", async () => {
    const cookie = await signIn("hider");
    const servers = await import("@/app/api/servers/route");
    expect((await (await callRoute(servers, "GET", "/api/servers", { cookie })).json()).servers.map((x: { id: string }) => x.id)).toEqual(["one"]);
    const me = await import("@/app/api/me/route");
    expect((await (await callRoute(me, "GET", "/api/me", { cookie })).json()).servers.map((x: { id: string }) => x.id)).toEqual(["one"]);

    const deniedBefore = (await auditRows({ user: "hider", outcome: "denied", limit: 100 })).length;
    let compared = 0;
    const hidden = routeFiles("two").filter((r) => r.params.server === "two");
    const unknown = routeFiles("nope").filter((r) => r.params.server === "nope");
    expect(hidden.length).toBeGreaterThan(5);
    for (const [i, r] of hidden.entries()) {
      const mod = await import(/* @vite-ignore */ r.file);
      for (const method of METHODS.filter((m) => typeof mod[m] === "function")) {
        const body = { sessions: [{ pid: 1, backendStartUs: 1 }], requestId: crypto.randomUUID() };
        const a = await callRoute(mod, method, r.urlPath, { cookie, params: r.params, body });
        const b = await callRoute(mod, method, unknown[i]!.urlPath, { cookie, params: unknown[i]!.params, body });
        expect(a.status, `${method} ${r.urlPath}`).toBe(404);
        expect([a.status, await a.text()], `${method} ${r.urlPath}`).toEqual([b.status, await b.text()]);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(5);
    // Neither was recorded as a refused action: nothing tells them apart, not even the audit log.
    expect((await auditRows({ user: "hider", outcome: "denied", limit: 100 })).length).toBe(deniedBefore);
    // The other server works for this user, and the hidden one for everybody else.
    const info = await import("@/app/api/servers/[server]/server-info/route");
    expect((await callRoute(info, "GET", "/api/servers/one/server-info", { cookie, params: { server: "one" } })).status).toBe(200);
    const seer = await signIn("seer");
    expect((await callRoute(info, "GET", "/api/servers/two/server-info", { cookie: seer, params: { server: "two" } })).status).toBe(200);
  });

  test("set-role NAME default --server ID shows it again", async () => {
    expect(userCli("set-role", "hider", "default", "--server", "two").status).toBe(0);
    const cookie = await signIn("hider");
    const info = await import("@/app/api/servers/[server]/server-info/route");
    expect((await callRoute(info, "GET", "/api/servers/two/server-info", { cookie, params: { server: "two" } })).status).toBe(200);
  });
});
