// npm run lint-sql -- [--pg-version 14] [--assume-in-transaction] [--json] FILE...
// Lints migration files offline. Exit status: 0 clean (warnings allowed), 1 when any file has an
// error-severity finding or does not parse, 2 for usage errors and unreadable files.
import fs from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_SERVER_VERSION_NUM, lintSql, RULES } from "../lint/index";
import { majorOnly, parsePgVersion, versionLabel } from "../lint/version";
import type { Finding, LintResult } from "../schemas/lint";

const USAGE = `usage: npm run lint-sql -- [options] FILE...   (FILE "-" reads standard input)

  --pg-version V           server version the files will run on: 14, 14.2, or 140002 (default 18)
  --assume-in-transaction  the migration tool wraps each file in a transaction
  --json                   print the findings as JSON
  --rules                  list the rules and exit
  -h, --help               this text

exit status: 1 if a finding has severity "error" or a file does not parse, else 0`;

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  readFile: (file: string) => Promise<string>;
}

const defaultIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  readFile: async (file) => (file === "-" ? readStdin() : fs.readFile(file, "utf8")),
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

interface Args {
  files: string[];
  version: number;
  assumeInTransaction: boolean;
  json: boolean;
}

function parseArgs(argv: string[]): Args | { error: string } | { help: true } | { rules: true } {
  const args: Args = { files: [], version: majorOnly(DEFAULT_SERVER_VERSION_NUM / 10000), assumeInTransaction: false, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "-h" || a === "--help") return { help: true };
    if (a === "--rules") return { rules: true };
    if (a === "--assume-in-transaction") args.assumeInTransaction = true;
    else if (a === "--json") args.json = true;
    else if (a === "--pg-version" || a.startsWith("--pg-version=")) {
      const value = a.includes("=") ? a.slice(a.indexOf("=") + 1) : argv[++i];
      const v = value === undefined ? undefined : parsePgVersion(value);
      if (v === undefined) return { error: `--pg-version needs a version like 14, 14.2 or 140002 (got ${value ?? "nothing"})` };
      args.version = v;
    } else if (a.startsWith("--")) return { error: `unknown option ${a}` };
    else args.files.push(a);
  }
  return args.files.length ? args : { error: "no files given" };
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}

function printFinding(f: Finding, io: Io, printed: Set<string>) {
  io.out(`  ${f.line}:${f.column}  ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}`);
  const facts = [f.lock ? `lock ${f.lock}` : undefined, f.work !== "none" ? `work ${f.work}` : undefined, f.tables.length ? `tables ${f.tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name)).join(", ")}` : undefined].filter(Boolean);
  if (facts.length) io.out(`      ${facts.join(" · ")}`);
  io.out(indent(`why: ${f.why}`, "      "));
  if (!f.recipe) return;
  io.out(`      fix: ${f.recipe.summary}`);
  // The same recipe (e.g. SET lock_timeout for every DDL statement) is printed once per file.
  const key = JSON.stringify(f.recipe);
  if (printed.has(key)) {
    io.out("        (steps as above)");
    return;
  }
  printed.add(key);
  f.recipe.steps.forEach((s, i) => {
    io.out(`        ${i + 1}. ${s.text}`);
    if (s.sql) io.out(indent(s.sql, "             "));
  });
}

function printResult(file: string, r: LintResult, io: Io) {
  io.out(`${file}  (PostgreSQL ${versionLabel(r.serverVersionNum)}, ${r.statementCount} statement${r.statementCount === 1 ? "" : "s"})`);
  if (r.findings.length === 0) io.out("  no findings");
  let last = 0;
  const printed = new Set<string>();
  for (const f of r.findings) {
    if (f.statement !== last) {
      io.out(`  statement ${f.statement}: ${f.excerpt.split("\n")[0]}`);
      last = f.statement;
    }
    printFinding(f, io, printed);
  }
  io.out("");
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const args = parseArgs(argv);
  if ("help" in args) {
    io.out(USAGE);
    return 0;
  }
  if ("rules" in args) {
    for (const r of RULES) io.out(`${r.id.padEnd(28)} ${r.title}`);
    return 0;
  }
  if ("error" in args) {
    io.err(`lint-sql: ${args.error}\n${USAGE}`);
    return 2;
  }
  const results: { file: string; result: LintResult }[] = [];
  for (const file of args.files) {
    let sql: string;
    try {
      sql = await io.readFile(file);
    } catch (err) {
      io.err(`lint-sql: cannot read ${file}: ${(err as Error).message}`);
      return 2;
    }
    results.push({ file, result: await lintSql(sql, { serverVersionNum: args.version, assumeInTransaction: args.assumeInTransaction }) });
  }
  const all = results.flatMap((r) => r.result.findings);
  const count = (s: string) => all.filter((f) => f.severity === s).length;
  if (args.json) io.out(JSON.stringify(results, null, 2));
  else {
    for (const { file, result } of results) printResult(file, result, io);
    io.out(`${count("error")} error(s), ${count("warning")} warning(s), ${count("info")} info in ${results.length} file(s)`);
  }
  return count("error") > 0 ? 1 : 0;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`lint-sql: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 2;
    },
  );
}
