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
const version = (JSON.parse(fs.readFileSync("package.json", "utf8")) as { version: string }).version;

async function run(argv: string[], config?: Record<string, unknown> | string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readFile: (f) => fs.promises.readFile(f, "utf8"),
    readConfig: async (f) => (config === undefined ? undefined : f === "pgwarden-lint.json" || f.endsWith(".json") ? (typeof config === "string" ? config : JSON.stringify(config)) : undefined),
  };
  const code = await main(argv, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("lint-sql CLI: exit status and the compact default", () => {
  it("exits 1 and prints one line per finding, grouped by file, when a file has an error", async () => {
    const r = await run([risky]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("001_risky.sql  (PostgreSQL 18, 2 statements)");
    expect(r.out).toMatch(/^ {2}1:19 +error +index-not-concurrent +CREATE INDEX on t without CONCURRENTLY$/m);
    expect(r.out).toMatch(/^ {2}2:26 +error +add-column-required/m);
    expect(r.out).not.toContain("why:"); // compact: no explanations…
    expect(r.out).toContain("--format=long"); // …but says where they are
    expect(r.out).toMatch(new RegExp(`2 errors, 2 warnings, \\d+ info in 1 file — pgwarden-lint ${version.replaceAll(".", "\\.")}`));
  });

  it("exits 0 for a clean file and for warnings only", async () => {
    expect((await run([clean])).code).toBe(0);
    const warn = await run([warnOnly]);
    expect(warn.code).toBe(0);
    expect(warn.out).toMatch(/warning +missing-lock-timeout/);
  });

  it("exits 1 on a parse error, shows its position, and still lints the rest", async () => {
    const r = await run([clean, broken]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/2:25 +error +parse-error +Syntax error at line 2, column 25/);
  });

  it("summarizes the generic rules once per file instead of once per statement", async () => {
    const many = file("006_many.sql", Array.from({ length: 30 }, (_, i) => `ALTER TABLE t${i} ADD COLUMN IF NOT EXISTS c int;`).join("\n"));
    const r = await run([many]);
    expect(r.out).toMatch(/warning +missing-lock-timeout ×30 +lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …: DDL that blocks writes runs without a lock_timeout/);
    expect(r.out).toMatch(/info +unqualified-name +Unqualified name t0/);
    expect(r.out.split("\n").length).toBeLessThan(10);
  });

  it("prints a thousand statements in a fraction of the long output", async () => {
    const statements = Array.from({ length: 1000 }, (_, i) =>
      i % 4 === 0 ? `CREATE INDEX i${i} ON t${i} (c);` : i % 4 === 1 ? `ALTER TABLE t${i} ADD COLUMN c${i} text;` : i % 4 === 2 ? `ALTER TABLE t${i} ALTER COLUMN c SET NOT NULL;` : `UPDATE t${i} SET c = 0 WHERE id = 1;`,
    );
    const big = file("007_big.sql", statements.join("\n"));
    const compact = await run([big]);
    const long = await run(["--format=long", big]);
    expect(long.out.length).toBeGreaterThan(400_000); // what the issue measured (424 kB)
    expect(compact.out.length).toBeLessThan(long.out.length / 5);
    expect(compact.out.length).toBeLessThan(80_000);
  }, 120_000);

  it("--pg-version changes version-dependent rules", async () => {
    expect((await run([pg14])).code).toBe(0); // PostgreSQL 18: ADD VALUE works inside a transaction
    const r = await run(["--pg-version", "11", pg14]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("(PostgreSQL 11, 3 statements)");
    expect((await run(["--pg-version=11.22", pg14])).code).toBe(1);
  });

  it("a missing file is reported, the other files are still linted, and the exit status is 2", async () => {
    const missing = path.join(dir, "nope.sql");
    const r = await run([risky, missing, clean]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`cannot read ${missing}: no such file`);
    expect(r.out).toContain("001_risky.sql  (PostgreSQL 18");
    expect(r.out).toContain("002_clean.sql  (PostgreSQL 18");
    expect(r.out).toContain("(1 file not read)");
  });

  it("exits 2 on usage errors", async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(["--pg-version", "banana", risky])).code).toBe(2);
    expect((await run(["--format", "xml", risky])).code).toBe(2);
    expect((await run(["--disable", "no-such-rule", risky])).code).toBe(2);
    expect((await run(["--assume-validated-check", "users", risky])).code).toBe(2);
  });

  it("--rules lists every rule with its default severity", async () => {
    const r = await run(["--rules"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^index-not-concurrent +error +CREATE INDEX without CONCURRENTLY/m);
    expect(r.out).toMatch(/^missing-lock-timeout +warning /m);
    expect(r.out.split("\n").length).toBeGreaterThanOrEqual(45);
  });
});

describe("lint-sql CLI: controls (issue 15, item 5) and settings file (item 4)", () => {
  const dropColumn = file("010_drop.sql", "SET lock_timeout = '2s';\nALTER TABLE public.t DROP COLUMN IF EXISTS c;\n");

  it("--disable turns a rule off; --min-severity hides what is below it", async () => {
    expect((await run([dropColumn])).code).toBe(1);
    expect((await run(["--disable", "drop-column", dropColumn])).code).toBe(0);
    const r = await run(["--min-severity", "error", warnOnly]);
    expect(r.out).not.toContain("missing-lock-timeout");
  });

  it("pgwarden-lint.json sets severities, the target version and assume-in-transaction; flags win", async () => {
    const lowered = await run([dropColumn], { rules: { "drop-column": "warning" } });
    expect(lowered.code).toBe(0);
    expect(lowered.out).toMatch(/warning +drop-column/);
    expect((await run([pg14], { pgVersion: 11 })).code).toBe(1);
    expect((await run(["--pg-version", "18", pg14], { pgVersion: "11" })).code).toBe(0);
    const wrapped = file("011_cic.sql", "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON public.t (c);\n");
    expect((await run([wrapped], { assumeInTransaction: true })).out).toMatch(/error +concurrent-in-tx/);
  });

  it("a bad settings file is a configuration error (exit 2) that names the field", async () => {
    const typo = await run([risky], { rule: { "drop-column": "off" } });
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("pgwarden-lint.json");
    expect((await run([risky], { rules: { "drop-colum": "off" } })).err).toContain("unknown rule drop-colum");
    expect((await run([risky], "{ not json")).code).toBe(2);
    expect((await run(["--config", "missing.yaml", risky])).err).toContain("cannot read --config missing.yaml");
  });

  it("--assume-validated-check lets the NOT NULL recipe's last file pass", async () => {
    const last = file("012_set_not_null.sql", "SET lock_timeout = '2s';\nALTER TABLE public.users ALTER COLUMN email SET NOT NULL;\nALTER TABLE public.users DROP CONSTRAINT users_email_not_null;\n");
    expect((await run([last])).code).toBe(1);
    expect((await run(["--assume-validated-check", "public.users.email", last])).code).toBe(0);
    expect((await run(["--assume-validated-check", "users.email", last])).code).toBe(0);
    expect((await run([last], { assumeValidatedChecks: ["users.email"] })).code).toBe(0);
  });
});

describe("lint-sql CLI: machine formats (issue 15, item 7)", () => {
  const ignored = file("020_ignored.sql", "SET lock_timeout = '2s';\n-- pgwarden-lint-ignore drop-column: nothing reads it since v41\nALTER TABLE public.t DROP COLUMN IF EXISTS legacy;\n");

  it("--format=json has the tool version, totals, and each ignore with its reason", async () => {
    const missing = path.join(dir, "gone.sql");
    const r = await run(["--format=json", risky, ignored, missing]);
    expect(r.code).toBe(2);
    const report = JSON.parse(r.out);
    expect(report.tool).toEqual({ name: "pgwarden-lint", version });
    expect(report.totals).toMatchObject({ files: 3, unreadable: 1, error: 2, ignored: 1 });
    expect(report.files[0].result.findings.map((f: { rule: string }) => f.rule)).toContain("index-not-concurrent");
    expect(report.files[1].result.ignored).toEqual([expect.objectContaining({ rule: "drop-column", ignore: { reason: "nothing reads it since v41", line: 2 } })]);
    expect(report.files[2]).toEqual({ file: missing, error: "no such file" });
    expect((await run(["--json", risky])).out).toBe((await run(["--format", "json", risky])).out);
  });

  it("--format=sarif is SARIF 2.1.0 with rules, levels, locations and in-source suppressions", async () => {
    const r = await run(["--format=sarif", risky, ignored]);
    const log = JSON.parse(r.out);
    expect(log.version).toBe("2.1.0");
    const run0 = log.runs[0];
    expect(run0.tool.driver).toMatchObject({ name: "pgwarden-lint", version });
    expect(run0.tool.driver.rules.find((x: { id: string }) => x.id === "index-not-concurrent")).toMatchObject({ defaultConfiguration: { level: "error" } });
    const idx = run0.results.find((x: { ruleId: string }) => x.ruleId === "index-not-concurrent");
    expect(idx).toMatchObject({ level: "error", locations: [{ physicalLocation: { artifactLocation: { uri: risky }, region: { startLine: 1, startColumn: 19 } } }] });
    expect(run0.tool.driver.rules[idx.ruleIndex].id).toBe("index-not-concurrent");
    expect(run0.results.find((x: { ruleId: string }) => x.ruleId === "drop-column")).toMatchObject({ suppressions: [{ kind: "inSource", justification: "nothing reads it since v41" }] });
    expect(run0.results.find((x: { ruleId: string }) => x.ruleId === "unqualified-name")?.level).toBe("note");
  });

  it("--format=github prints workflow commands, escaped", async () => {
    const comma = file("021,odd:name.sql", "CREATE INDEX i ON t (c);\n");
    const r = await run(["--format=github", comma]);
    expect(r.code).toBe(1);
    const line = r.out.split("\n").find((l) => l.includes("index-not-concurrent"));
    expect(line).toMatch(/^::error file=.*021%2Codd%3Aname\.sql,line=1,col=19,title=pgwarden-lint index-not-concurrent::CREATE INDEX on t without CONCURRENTLY\. /);
    expect(r.out).toMatch(/^::notice file=/m);
    expect(r.out.split("\n").at(-1)).toMatch(/^pgwarden-lint .*: 1 error\(s\)/);
  });
});

describe("lint-sql CLI: versions and the process", () => {
  it("parses versions", () => {
    expect(parsePgVersion("14")).toBe(140099);
    expect(parsePgVersion("14.3")).toBe(140003);
    expect(parsePgVersion("140003")).toBe(140003);
    expect(parsePgVersion("9.6")).toBe(90600);
    expect(parsePgVersion("x")).toBeUndefined();
    expect(parsePgVersion("14.3.1")).toBeUndefined();
    expect([180004, 140099, 90600].map(versionLabel)).toEqual(["18.4", "14", "9.6"]);
  });

  it("sets the process exit status when run through tsx, and reads ./pgwarden-lint.json", () => {
    const cli = path.resolve("lib/cli/lint-sql.ts");
    const tsx = path.resolve("node_modules/.bin/tsx");
    // As npm runs it: in the package root, with the caller's directory in INIT_CWD.
    const npmLike = { encoding: "utf8" as const, timeout: 60_000, env: { ...process.env, INIT_CWD: dir } };
    const bad = spawnSync(tsx, [cli, path.basename(risky)], npmLike);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("index-not-concurrent");
    const good = spawnSync(tsx, [cli, path.basename(clean)], npmLike);
    expect(good.status).toBe(0);
    // pgwarden-lint.json in the working directory is read.
    fs.writeFileSync(path.join(dir, "pgwarden-lint.json"), JSON.stringify({ rules: { "index-not-concurrent": "warning", "add-column-required": "off" } }));
    const configured = spawnSync(tsx, [cli, path.basename(risky)], npmLike);
    fs.rmSync(path.join(dir, "pgwarden-lint.json"));
    expect(configured.status).toBe(0);
    expect(configured.stdout).toMatch(/warning +index-not-concurrent/);
  }, 180_000);
});
