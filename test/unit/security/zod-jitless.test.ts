// Issue 8, item 11 (part): zod must never probe eval (a CSP report on every page). Every module
// that builds zod schemas takes `z` from lib/schemas/zod.ts, which turns jitless on first. The
// browser side is checked end to end in test/e2e/security.spec.ts (zero securitypolicyviolation).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, test } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../../..");
const BUILDS_SCHEMAS = /\bz\s*\.\s*(object|strictObject|looseObject|string|number|int|boolean|array|enum|union|discriminatedUnion|literal|coerce|preprocess|record|tuple|uuid|iso|email|url|bigint|date|nullable|optional|lazy)\s*\(/;
const FROM_CONFIGURED = /import\s*\{[^}]*\bz\b[^}]*\}\s*from\s*["'](\.\/zod|@\/lib\/schemas\/zod)["']/;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : sources(p);
    return /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

describe("zod without eval", () => {
  test("every module that builds schemas imports z from lib/schemas/zod", () => {
    const offenders: string[] = [];
    let builders = 0;
    for (const file of ["lib", "components", "app"].flatMap((d) => sources(path.join(ROOT, d)))) {
      if (file.endsWith(path.join("lib", "schemas", "zod.ts"))) continue;
      const text = fs.readFileSync(file, "utf8");
      if (!BUILDS_SCHEMAS.test(text)) continue;
      builders++;
      if (!FROM_CONFIGURED.test(text)) offenders.push(path.relative(ROOT, file));
    }
    expect(builders).toBeGreaterThan(5);
    expect(offenders, 'import { z } from "@/lib/schemas/zod" (or "./zod") instead of "zod"').toEqual([]);
  });

  test("lib/schemas/zod turns jitless on before any schema exists", async () => {
    await import("@/lib/schemas/zod");
    const config = (globalThis as { __zod_globalConfig?: { jitless?: boolean } }).__zod_globalConfig;
    expect(config?.jitless).toBe(true);
    // And a schema built after it parses without compiling (no Function constructor is touched).
    const { z } = await import("@/lib/schemas/zod");
    const seen: string[] = [];
    const real = globalThis.Function;
    globalThis.Function = new Proxy(real, { construct: (t, a) => (seen.push("Function"), Reflect.construct(t, a)) });
    try {
      expect(z.object({ a: z.string(), b: z.number() }).parse({ a: "x", b: 1 })).toEqual({ a: "x", b: 1 });
    } finally {
      globalThis.Function = real;
    }
    expect(seen).toEqual([]);
  });
});
