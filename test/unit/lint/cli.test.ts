import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main, type Io } from "@/lib/cli/lint-sql";
import { parsePgVersion, versionLabel } from "@/lib/lint/version";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-lint-cli-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, sql: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, sql);
  return p;
}

const risky = file("001_risky.sql", "CREATE INDEX i ON t(c);\nALTER TABLE t ADD COLUMN c int NOT NULL;\n");
const clean = file("002_clean.sql", "SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t (c);\n");
const warnOnly = file("003_warn.sql", "ALTER TABLE public.t ADD COLUMN IF NOT EXISTS c int;\n"); // missing-lock-timeout: a warning
const broken = file("004_broken.sql", "SELECT 1;\nALTER TABLE t ADD COLUMN;\n");
const pg14 = file("005_enum.sql", "BEGIN;\nALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';\nCOMMIT;\n");

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l), readFile: (f) => fs.promises.readFile(f, "utf8") };
  const code = await main(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("lint-sql CLI", () => {
  it("exits 1 and prints findings with line numbers and recipes when a file has an error", async () => {
    const r = await run(risky);
    expect(r.code).toBe(1);
    expect(r.out).toContain("001_risky.sql  (PostgreSQL 18, 2 statements)");
    expect(r.out).toMatch(/1:19 +error +index-not-concurrent/);
    expect(r.out).toMatch(/2:26 +error +add-column-required/);
    expect(r.out).toContain("CREATE INDEX CONCURRENTLY i ON t(c);");
    expect(r.out).toContain("lock SHARE · work build · tables t");
  });

  it("exits 0 for a clean file and for warnings only", async () => {
    expect((await run(clean)).code).toBe(0);
    const warn = await run(warnOnly);
    expect(warn.code).toBe(0);
    expect(warn.out).toMatch(/warning +missing-lock-timeout/);
  });

  it("exits 1 on a parse error and shows its position", async () => {
    const r = await run(clean, broken);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/2:25 +error +parse-error/);
  });

  it("--pg-version changes version-dependent rules", async () => {
    expect((await run(pg14)).code).toBe(0); // PostgreSQL 18: ADD VALUE works inside a transaction
    const r = await run("--pg-version", "11", pg14);
    expect(r.code).toBe(1);
    expect(r.out).toContain("(PostgreSQL 11, 3 statements)");
    expect((await run("--pg-version=11.22", pg14)).code).toBe(1);
  });

  it("--json prints machine-readable results", async () => {
    const r = await run("--json", risky);
    const parsed = JSON.parse(r.out) as { file: string; result: { findings: { rule: string }[] } }[];
    expect(parsed[0]?.result.findings.map((f) => f.rule)).toContain("index-not-concurrent");
  });

  it("exits 2 on usage errors and unreadable files", async () => {
    expect((await run()).code).toBe(2);
    expect((await run("--pg-version", "banana", risky)).code).toBe(2);
    const missing = await run(path.join(dir, "nope.sql"));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("cannot read");
  });

  it("--rules lists every rule", async () => {
    const r = await run("--rules");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^index-not-concurrent +CREATE INDEX without CONCURRENTLY/m);
    expect(r.out.split("\n").length).toBeGreaterThanOrEqual(20);
  });

  it("parses versions", () => {
    expect(parsePgVersion("14")).toBe(140099);
    expect(parsePgVersion("14.3")).toBe(140003);
    expect(parsePgVersion("140003")).toBe(140003);
    expect(parsePgVersion("9.6")).toBe(90600);
    expect(parsePgVersion("x")).toBeUndefined();
    expect(parsePgVersion("14.3.1")).toBeUndefined();
    expect([180004, 140099, 90600].map(versionLabel)).toEqual(["18.4", "14", "9.6"]);
  });

  it("sets the process exit status when run through npx tsx", () => {
    const cli = path.resolve("lib/cli/lint-sql.ts");
    const bad = spawnSync("npx", ["tsx", cli, risky], { encoding: "utf8", timeout: 60_000 });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("index-not-concurrent");
    const good = spawnSync("npx", ["tsx", cli, clean], { encoding: "utf8", timeout: 60_000 });
    expect(good.status).toBe(0);
  }, 90_000);
});
