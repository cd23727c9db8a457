// C5 + revocation: one throttle across every password path; logout, disable and password change
// end sessions on the very next request. (Issue 8 item 3's own tests: security-signin.test.ts.)
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pgServers } from "../helpers/pg";
import { addUser, callRoute, PASSWORD, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";
import { setDisabled, setRole } from "@/lib/store/users";

describe.each(pgServers())("PG $major", (s) => {
  beforeAll(async () => {
    process.env.PGWARDEN_LOGIN_MAX_FAILURES = "3";
    process.env.PGWARDEN_LOGIN_MAX_FAILURES_PER_ADDRESS = "6";
    process.env.PGWARDEN_TRUSTED_PROXIES = "1"; // addresses below come as X-Forwarded-For from "our" proxy
    await useTestConsole({ storeServerUrl: s.url, storeName: `sec_sessions_store_${s.major}`, servers: [{ id: "one", url: s.url }] });
  });
  afterAll(async () => {
    delete process.env.PGWARDEN_LOGIN_MAX_FAILURES;
    delete process.env.PGWARDEN_LOGIN_MAX_FAILURES_PER_ADDRESS;
    delete process.env.PGWARDEN_TRUSTED_PROXIES;
    await teardownTestConsole();
  });

  const login = () => import("@/app/api/auth/login/route");
  const me = () => import("@/app/api/me/route");
  const tryLogin = async (name: string, password: string, addr: string) =>
    (await callRoute(await login(), "POST", "/api/auth/login", { body: { name, password }, headers: { "x-forwarded-for": addr } })).status;

  test("wrong passwords back off that user from that address, across login paths, and not from elsewhere", async () => {
    await addUser("locky", "operator");
    // (A success resets the pair, so the session for the second path is opened first.)
    const cookie = await signIn("locky", PASSWORD, { "x-forwarded-for": "10.0.0.1" });
    expect(await tryLogin("locky", "wrong password 1", "10.0.0.1")).toBe(401);
    // The password-change route checks passwords too: its failures count against the same pair.
    const pw = await import("@/app/api/auth/password/route");
    const bad = await callRoute(pw, "POST", "/api/auth/password", { cookie, body: { current: "not it at all", next: "a brand new password 42" }, headers: { "x-forwarded-for": "10.0.0.1" } });
    expect(bad.status).toBe(401);
    // Case variations are the same user; the fourth failure starts the back-off.
    expect(await tryLogin("LOCKY", "wrong password 2", "10.0.0.1")).toBe(401);
    expect(await tryLogin("locky", "wrong password 3", "10.0.0.1")).toBe(401);
    const blocked = await callRoute(await login(), "POST", "/api/auth/login", { body: { name: "Locky", password: PASSWORD }, headers: { "x-forwarded-for": "10.0.0.1" } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const good = await callRoute(pw, "POST", "/api/auth/password", { cookie, body: { current: PASSWORD, next: "a brand new password 42" }, headers: { "x-forwarded-for": "10.0.0.1" } });
    expect(good.status).toBe(429);
    // No lock on the name: the same user from another address signs in at once.
    expect(await tryLogin("locky", PASSWORD, "10.0.0.4")).toBe(200);
  });

  test("many users from one address make the address wait", async () => {
    for (let i = 0; i < 6; i++) expect(await tryLogin(`nobody${i}`, "guess guess guess", "10.9.9.9")).toBe(401);
    await addUser("innocent", "viewer");
    expect(await tryLogin("innocent", PASSWORD, "10.9.9.9")).toBe(429);
    expect(await tryLogin("innocent", PASSWORD, "10.9.9.10")).toBe(200);
  });

  test("unknown user and wrong password look the same", async () => {
    await addUser("known", "viewer");
    const a = await callRoute(await login(), "POST", "/api/auth/login", { body: { name: "known", password: "nope nope nope" }, headers: { "x-forwarded-for": "10.1.1.1" } });
    const b = await callRoute(await login(), "POST", "/api/auth/login", { body: { name: "unknown", password: "nope nope nope" }, headers: { "x-forwarded-for": "10.1.1.2" } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(await a.json()).toEqual(await b.json());
  });

  test("logout revokes the session at once", async () => {
    await addUser("leaver", "viewer");
    const cookie = await signIn("leaver");
    const other = await signIn("leaver");
    expect((await callRoute(await me(), "GET", "/api/me", { cookie })).status).toBe(200);
    const logout = await import("@/app/api/auth/logout/route");
    const out = await callRoute(logout, "POST", "/api/auth/logout", { cookie });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect((await callRoute(await me(), "GET", "/api/me", { cookie })).status).toBe(401);
    // Only that session: the user's other browser stays signed in.
    expect((await callRoute(await me(), "GET", "/api/me", { cookie: other })).status).toBe(200);
  });

  test("disabling a user ends every session on the next request and blocks sign-in", async () => {
    await addUser("mallory", "admin");
    const cookie = await signIn("mallory");
    expect((await callRoute(await me(), "GET", "/api/me", { cookie })).status).toBe(200);
    await setDisabled("mallory", true);
    expect((await callRoute(await me(), "GET", "/api/me", { cookie })).status).toBe(401);
    expect(await tryLogin("mallory", PASSWORD, "10.2.2.2")).toBe(401);
  });

  test("a password change ends all other sessions and the old password", async () => {
    await addUser("changer", "viewer");
    const a = await signIn("changer");
    const b = await signIn("changer");
    const pw = await import("@/app/api/auth/password/route");
    const next = "the new long password 7";
    const res = await callRoute(pw, "POST", "/api/auth/password", { cookie: a, body: { current: PASSWORD, next } });
    expect(res.status).toBe(200);
    const fresh = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect((await callRoute(await me(), "GET", "/api/me", { cookie: a })).status).toBe(401);
    expect((await callRoute(await me(), "GET", "/api/me", { cookie: b })).status).toBe(401);
    expect((await callRoute(await me(), "GET", "/api/me", { cookie: fresh })).status).toBe(200);
    expect(await tryLogin("changer", PASSWORD, "10.3.3.3")).toBe(401);
    expect(await tryLogin("changer", next, "10.3.3.4")).toBe(200);
  });

  test("a role change applies on the next request", async () => {
    await addUser("promoted", "viewer");
    const cookie = await signIn("promoted");
    const audit = await import("@/app/api/audit/route");
    expect((await callRoute(audit, "GET", "/api/audit", { cookie })).status).toBe(403);
    await setRole("promoted", "admin");
    expect((await callRoute(audit, "GET", "/api/audit", { cookie })).status).toBe(200);
  });
});
