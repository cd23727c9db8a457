// The sign-in form posts (method="post") so that, without JavaScript, a password never lands in
// a URL: the login route takes that form post, with the same exact-Origin rule as every change.
import { resetEnvCache } from "@/lib/config/env";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pgServers } from "../helpers/pg";
import { addUser, callRoute, ORIGIN, PASSWORD, teardownTestConsole, useTestConsole } from "../helpers/store";

const form = (fields: Record<string, string>) => ({ contentType: "application/x-www-form-urlencoded", rawBody: new URLSearchParams(fields).toString() });

describe.each(pgServers())("PG $major", (s) => {
  beforeAll(async () => {
    await useTestConsole({ storeServerUrl: s.url, storeName: `sign_in_form_store_${s.major}`, servers: [{ id: "one", url: s.url }] });
    await addUser("former", "viewer");
  });
  afterAll(async () => {
    delete process.env.PGWARDEN_DEMO;
    resetEnvCache();
    await teardownTestConsole();
  });

  const login = () => import("@/app/api/auth/login/route");
  const me = () => import("@/app/api/me/route");

  test("a form post signs in and redirects to the page asked for, with a working session cookie", async () => {
    const res = await callRoute(await login(), "POST", "/api/auth/login", form({ name: "former", password: PASSWORD, next: "/servers/one/tables?db=shop" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/servers/one/tables?db=shop");
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(cookie).toMatch(/^pgwarden_session=/);
    expect((await callRoute(await me(), "GET", "/api/me", { cookie })).status).toBe(200);
  });

  test("a wrong password goes back to the form with an error code, no cookie and no password in the URL", async () => {
    const res = await callRoute(await login(), "POST", "/api/auth/login", form({ name: "former", password: "not the password", next: "/audit" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?error=bad_credentials&next=%2Faudit");
    expect(res.headers.get("location")).not.toContain("not the password");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  test("an unsafe next is replaced by the console's home; another origin is refused before anything", async () => {
    const open = await callRoute(await login(), "POST", "/api/auth/login", form({ name: "former", password: PASSWORD, next: "//evil.example/x" }));
    expect(open.headers.get("location")).toBe("/");
    const evil = await callRoute(await login(), "POST", "/api/auth/login", { ...form({ name: "former", password: PASSWORD }), origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("set-cookie")).toBeNull();
    expect((await evil.json()).error.message).toContain(`Open the console at ${ORIGIN}`);
    // Only sign-in takes a form: every other change still wants JSON.
    const logout = await import("@/app/api/auth/logout/route");
    expect((await callRoute(logout, "POST", "/api/auth/logout", form({ x: "1" }))).status).toBe(415);
  });

  test("the demo accepts both loopback names of its port, and nothing else; a real console only its origin", async () => {
    const prev = process.env.PGWARDEN_PUBLIC_ORIGIN;
    process.env.PGWARDEN_PUBLIC_ORIGIN = "http://localhost:3000";
    resetEnvCache();
    const route = await login();
    const at = (origin: string) => callRoute(route, "POST", "/api/auth/login", { origin, body: { name: "former", password: PASSWORD } });
    try {
      expect((await at("http://127.0.0.1:3000")).status).toBe(403);
      process.env.PGWARDEN_DEMO = "1";
      resetEnvCache();
      expect((await at("http://127.0.0.1:3000")).status).toBe(200);
      expect((await at("http://localhost:3000")).status).toBe(200);
      expect((await at("http://127.0.0.1:3001")).status).toBe(403);
      expect((await at("http://192.168.1.20:3000")).status).toBe(403);
    } finally {
      delete process.env.PGWARDEN_DEMO;
      resetEnvCache();
      process.env.PGWARDEN_PUBLIC_ORIGIN = prev;
      resetEnvCache();
    }
  });
});
