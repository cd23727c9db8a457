// Issue 8, item 7: HSTS (max-age of at least a year) on every response when the console's public
// origin is https, and never on a plain-http console (it would lock browsers out of it).
import { NextRequest } from "next/server";
import { afterEach, describe, expect, test } from "vitest";
import { proxy } from "@/proxy";

const saved = process.env.PGWARDEN_PUBLIC_ORIGIN;
afterEach(() => {
  if (saved === undefined) delete process.env.PGWARDEN_PUBLIC_ORIGIN;
  else process.env.PGWARDEN_PUBLIC_ORIGIN = saved;
});

const hsts = (url: string, headers: Record<string, string> = {}) =>
  proxy(new NextRequest(url, { headers })).headers.get("strict-transport-security");

describe("Strict-Transport-Security", () => {
  test("on pages, API routes and the sign-in redirect when PGWARDEN_PUBLIC_ORIGIN is https", () => {
    process.env.PGWARDEN_PUBLIC_ORIGIN = "https://pgwarden.example.com";
    for (const value of [
      hsts("https://pgwarden.example.com/servers/x/activity", { cookie: "__Host-pgwarden_session=x" }),
      hsts("https://pgwarden.example.com/api/health"),
      hsts("https://pgwarden.example.com/servers/x/activity"), // no cookie: the redirect to /login
    ]) {
      expect(value).toMatch(/^max-age=(\d+)/);
      expect(Number(/max-age=(\d+)/.exec(value!)![1])).toBeGreaterThanOrEqual(31_536_000);
    }
  });

  test("never on a console served over plain http", () => {
    process.env.PGWARDEN_PUBLIC_ORIGIN = "http://localhost:3000";
    expect(hsts("http://localhost:3000/api/health")).toBeNull();
    expect(hsts("http://localhost:3000/login")).toBeNull();
  });
});
