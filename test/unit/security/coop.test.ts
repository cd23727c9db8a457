// Cross-Origin-Opener-Policy is opt-in (PGWARDEN_COOP): sent on pages and API answers when asked
// for, absent by default (it costs a fresh tab a renderer process swap before the first rows).
import { NextRequest } from "next/server";
import { afterEach, describe, expect, test } from "vitest";
import { env, resetEnvCache } from "@/lib/config/env";
import { proxy } from "@/proxy";

const saved = process.env.PGWARDEN_COOP;
afterEach(() => {
  if (saved === undefined) delete process.env.PGWARDEN_COOP;
  else process.env.PGWARDEN_COOP = saved;
  resetEnvCache();
});

const coop = (url: string, headers: Record<string, string> = {}) => proxy(new NextRequest(url, { headers })).headers.get("cross-origin-opener-policy");
const page = "http://localhost:3000/servers/x/tables";
const signedIn = { cookie: "pgwarden_session=x" };

describe("Cross-Origin-Opener-Policy", () => {
  test("absent by default, with framing still refused", () => {
    delete process.env.PGWARDEN_COOP;
    expect(coop(page, signedIn)).toBeNull();
    expect(proxy(new NextRequest(page, { headers: signedIn })).headers.get("x-frame-options")).toBe("DENY");
  });

  test("sent on pages, API answers and the sign-in redirect when PGWARDEN_COOP asks for it", () => {
    process.env.PGWARDEN_COOP = "same-origin";
    expect(coop(page, signedIn)).toBe("same-origin");
    expect(coop("http://localhost:3000/api/health")).toBe("same-origin");
    expect(coop(page)).toBe("same-origin");
  });

  test("a value other than the two policies stops the console at start", () => {
    process.env.PGWARDEN_COOP = "same-origin-allow-popups";
    resetEnvCache();
    expect(env().PGWARDEN_COOP).toBe("same-origin-allow-popups");
    process.env.PGWARDEN_COOP = "yes";
    resetEnvCache();
    expect(() => env()).toThrow(/PGWARDEN_COOP/);
  });
});
