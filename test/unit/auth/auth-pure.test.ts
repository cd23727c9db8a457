import { resetEnvCache } from "@/lib/config/env";
import { afterEach, describe, expect, test } from "vitest";
import { can, effectiveRole, permissionsOf, roleAllows } from "@/lib/auth/permissions";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/auth/password";
import { cookieName, readCookie, sessionCookie, signToken, verifiedToken } from "@/lib/auth/cookie";
import { checkStateChange } from "@/lib/auth/csrf";
import { assertStartupConfig, secretProblem } from "@/lib/auth/secret";
import { auditCsv } from "@/lib/store/audit-log";
import type { AuditRow } from "@/lib/schemas/audit";

const saved = { ...process.env };
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe("permissions", () => {
  test("deny by default, per-server overrides, console-wide uses the default role", () => {
    expect(roleAllows("viewer", "cancel")).toBe(false);
    expect(roleAllows("operator", "vacuum_full")).toBe(false);
    expect(roleAllows("admin", "stats_reset")).toBe(true);
    expect(roleAllows(undefined, "read")).toBe(false);
    expect(roleAllows("__proto__" as never, "read")).toBe(false);
    const a = { defaultRole: "viewer" as const, overrides: { prod: "admin" as const } };
    expect(effectiveRole(a, "prod")).toBe("admin");
    expect(can(a, "staging", "cancel")).toBe(false);
    expect(can(a, "prod", "explain")).toBe(true);
    expect(can(a, undefined, "admin")).toBe(false);
    expect(can(a, "constructor", "read")).toBe(true);
    expect(permissionsOf("operator")).toEqual(["read", "cancel", "terminate", "vacuum", "analyze", "reindex", "bloat_exact"]);
  });
});

describe("passwords", () => {
  test("scrypt hashes carry their parameters and salt; verify is exact", async () => {
    const h = await hashPassword("correct horse battery");
    expect(h).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(h).not.toBe(await hashPassword("correct horse battery"));
    expect(await verifyPassword("correct horse battery", h)).toBe(true);
    expect(await verifyPassword("correct horse batterz", h)).toBe(false);
    expect(await verifyPassword("x", "scrypt$1099511627776$8$1$AAAA$AAAA")).toBe(false);
    expect(await verifyPassword("x", "plain")).toBe(false);
    expect(await passwordProblem("short")).toMatch(/12/);
    expect(await passwordProblem("alice-is-great-2026", "Alice")).toMatch(/user name/);
    expect(await passwordProblem("a perfectly fine passphrase")).toBeUndefined();
  }, 30_000); // four scrypt hashes: slow on a loaded machine
});

describe("session cookie", () => {
  test("only values we signed are accepted", () => {
    process.env.PGWARDEN_SECRET = "k".repeat(16) + "Z".repeat(16) + "q";
    resetEnvCache();
    const token = "A".repeat(43);
    const value = signToken(token);
    expect(verifiedToken(value)).toBe(token);
    expect(verifiedToken(`${token}.${"x".repeat(43)}`)).toBeUndefined();
    expect(verifiedToken("../../etc/passwd")).toBeUndefined();
    expect(verifiedToken(value.slice(0, -1))).toBeUndefined();
    process.env.PGWARDEN_SECRET = "another-secret-of-sufficient-length!";
    resetEnvCache();
    expect(verifiedToken(value)).toBeUndefined();
    expect(readCookie(`a=1; ${cookieName(false)}=${value}; b=2`, cookieName(false))).toBe(value);
  });
  test("attributes: HttpOnly, SameSite=Strict; Secure and __Host- under https", () => {
    expect(sessionCookie("t", 60, false)).toBe("pgwarden_session=" + signToken("t") + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=60");
    expect(sessionCookie("t", 60, true)).toMatch(/^__Host-pgwarden_session=.*; Secure$/);
  });
});

describe("CSRF check", () => {
  const req = (method: string, headers: Record<string, string>) => new Request("http://c.test/api/x", { method, headers });
  test("exact origin, same-origin fetch metadata, JSON, POST only", () => {
    process.env.PGWARDEN_PUBLIC_ORIGIN = "https://console.example";
    resetEnvCache();
    const good = { origin: "https://console.example", "content-type": "application/json", "sec-fetch-site": "same-origin" };
    expect(() => checkStateChange(req("POST", good))).not.toThrow();
    expect(() => checkStateChange(req("POST", { ...good, "content-type": "application/json; charset=utf-8" }))).not.toThrow();
    for (const bad of [
      { ...good, origin: "https://console.example.evil" },
      { ...good, origin: "http://console.example" },
      { ...good, origin: "null" },
      { "content-type": "application/json" },
      { ...good, "sec-fetch-site": "same-site" },
      { ...good, "sec-fetch-site": "none" },
      { ...good, "content-type": "application/x-www-form-urlencoded" },
      { ...good, "content-type": "multipart/form-data; boundary=x" },
      { ...good, "content-type": "text/plain;application/json" },
    ]) {
      expect(() => checkStateChange(req("POST", bad)), JSON.stringify(bad)).toThrow();
    }
    expect(() => checkStateChange(req("DELETE", good))).toThrow(/POST/);
  });
});

describe("secrets", () => {
  test("production refuses missing, short and sample secrets and a missing public origin", () => {
    expect(secretProblem(undefined)).toMatch(/not set/);
    expect(secretProblem("short")).toMatch(/32/);
    expect(secretProblem("x".repeat(40))).toMatch(/sample|default/);
    expect(secretProblem("please-change-me-before-going-live-ok")).toMatch(/sample|default/);
    expect(secretProblem("Vb3k9QwZ1rT5yH8uJ2mN6pL0sD4fG7hK")).toBeUndefined();
    (process.env as Record<string, string>).NODE_ENV = "production";
    resetEnvCache();
    delete process.env.PGWARDEN_SECRET;
    resetEnvCache();
    delete process.env.PGWARDEN_PUBLIC_ORIGIN;
    resetEnvCache();
    expect(() => assertStartupConfig()).toThrow(/PGWARDEN_SECRET[\s\S]*PGWARDEN_PUBLIC_ORIGIN/);
    process.env.PGWARDEN_SECRET = "Vb3k9QwZ1rT5yH8uJ2mN6pL0sD4fG7hK";
    resetEnvCache();
    process.env.PGWARDEN_PUBLIC_ORIGIN = "https://c.example";
    resetEnvCache();
    expect(() => assertStartupConfig()).not.toThrow();
    process.env.PGWARDEN_SECRET = "changeme";
    resetEnvCache();
    process.env.PGWARDEN_DEMO = "1";
    resetEnvCache();
    expect(() => assertStartupConfig()).not.toThrow();
  });
});

describe("audit CSV", () => {
  test("quotes, newlines and spreadsheet formulas stay text", () => {
    const row = {
      id: 1, at: "2026-01-01T00:00:00.000Z", kind: "outcome", intentId: null, user: "=cmd|' /C calc'!A0", role: "admin",
      server: "a,b", database: 'x"y', action: "vacuum", targetPid: null, targetBackendStart: null, targetOid: 5,
      targetName: "line\nbreak", params: { a: 1 }, client: null, outcome: "ok", sqlstate: null, detail: null,
    } as AuditRow;
    const [, line] = auditCsv([row]).split("\r\n");
    expect(line).toContain(`"'=cmd|' /C calc'!A0"`.replace(/^"|"$/g, ""));
    expect(line).toContain('"a,b"');
    expect(line).toContain('"x""y"');
    expect(line).toContain('"line\nbreak"');
    expect(line).toContain('"{""a"":1}"');
  });
});
