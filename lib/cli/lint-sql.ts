// npm run lint-sql -- [options] FILE...
// Lints migration files offline, for CI. Exit status: 0 no error findings (warnings allowed),
// 1 an error finding or a syntax error, 2 a usage or configuration error, or a file that could
// not be read (reported at the end, after the other files were linted).
import fs from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { lintSql, ruleCatalog, type LintOptions } from "../lint/index";
import { parseColumnRef } from "../lint/directives";
import { githubAnnotations, sarif } from "../lint/report/ci";
import { compactText, longText } from "../lint/report/text";
import { totalsOf, type FileReport, type RunReport } from "../lint/report/types";
import { isRuleId } from "../lint/severities";
import { majorOnly, parsePgVersion } from "../lint/version";
import { LintConfig, Severity, type LintFacts } from "../schemas/lint";

const USAGE = `usage: npm run lint-sql -- [options] FILE...   (FILE "-" reads standard input)

  --pg-version V                  server version the files will run on: 14, 14.2 or 140002 (default 18)
  --assume-in-transaction         the migration tool wraps each file in a transaction
  --assume-validated-check T.C    an earlier migration left a validated CHECK on table T about column C
                                  (C IS NOT NULL, or the partition bound on C); repeatable, SCHEMA.T.C too
  --disable RULE[,RULE…]          turn rules off (repeatable)
  --min-severity S                leave out findings below S: error, warning or info
  --format F                      compact (default), long (why and the safe recipe), json, sarif, github
  --json                          the same as --format=json
  --config FILE                   settings file (default: ./pgwarden-lint.json when it exists)
  --rules                         list the rules with their default severities and exit
  -h, --help                      this text

In a file: "-- pgwarden-lint-ignore RULE: reason" on a statement silences RULE there (the reason is
required), and "-- pgwarden-lint-assume-validated-check T.C" works like the flag.

exit status: 0 no errors (warnings allowed); 1 an error finding or a syntax error;
2 a usage or configuration error, or a file that could not be read (the others are still linted)`;

const FORMATS = ["compact", "long", "json", "sarif", "github"] as const;
type Format = (typeof FORMATS)[number];

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  readFile: (file: string) => Promise<string>;
  /** The settings file's text, or undefined when it does not exist. */
  readConfig: (file: string) => Promise<string | undefined>;
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

// `npm run lint-sql -- FILE` runs in the package root; npm keeps the caller's directory in
// INIT_CWD, and file names (and ./pgwarden-lint.json) are the caller's.
const callerDir = () => process.env.INIT_CWD ?? process.cwd();

const defaultIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  readFile: async (file) => (file === "-" ? readStdin() : fs.readFile(path.resolve(callerDir(), file), "utf8")),
  readConfig: (file) => readIfExists(path.resolve(callerDir(), file)),
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

interface Args {
  files: string[];
  version?: number;
  assumeInTransaction?: boolean;
  checks: string[];
  disable: string[];
  minSeverity?: Severity;
  format: Format;
  config?: string;
}

type Parsed = Args | { error: string } | { help: true } | { rules: true };

function parseArgs(argv: string[]): Parsed {
  const args: Args = { files: [], checks: [], disable: [], format: "compact" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === "-h" || flag === "--help") return { help: true };
    if (flag === "--rules") return { rules: true };
    if (flag === "--assume-in-transaction") args.assumeInTransaction = true;
    else if (flag === "--json") args.format = "json";
    else if (flag === "--pg-version") {
      const v = value();
      const n = v === undefined ? undefined : parsePgVersion(v);
      if (n === undefined) return { error: `--pg-version needs a version like 14, 14.2 or 140002 (got ${v ?? "nothing"})` };
      args.version = n;
    } else if (flag === "--assume-validated-check") {
      const v = value();
      if (!v || !parseColumnRef(v)) return { error: `--assume-validated-check needs TABLE.COLUMN or SCHEMA.TABLE.COLUMN (got ${v ?? "nothing"})` };
      args.checks.push(v);
    } else if (flag === "--disable") {
      const v = value();
      if (!v) return { error: "--disable needs a rule id" };
      args.disable.push(...v.split(",").map((r) => r.trim()));
    } else if (flag === "--min-severity") {
      const v = Severity.safeParse(value());
      if (!v.success) return { error: "--min-severity needs error, warning or info" };
      args.minSeverity = v.data;
    } else if (flag === "--format") {
      const v = value() as Format;
      if (!FORMATS.includes(v)) return { error: `--format needs one of ${FORMATS.join(", ")}` };
      args.format = v;
    } else if (flag === "--config") {
      args.config = value();
      if (!args.config) return { error: "--config needs a file" };
    } else if (flag.startsWith("--")) return { error: `unknown option ${flag}` };
    else args.files.push(a);
  }
  return args.files.length ? args : { error: "no files given" };
}

/** Settings file, then flags: the options every file is linted with. */
async function optionsOf(args: Args, io: Io): Promise<LintOptions | { error: string }> {
  const file = args.config ?? "pgwarden-lint.json";
  const text = await io.readConfig(file);
  if (text === undefined && args.config) return { error: `cannot read --config ${file}` };
  let config: LintConfig = {};
  if (text !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      return { error: `${file}: not JSON (${(err as Error).message})` };
    }
    const parsed = LintConfig.safeParse(json);
    if (!parsed.success) return { error: `${file}: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(top)"}: ${i.message}`).join("; ")}` };
    config = parsed.data;
  }
  const version = args.version ?? (config.pgVersion === undefined ? majorOnly(18) : parsePgVersion(String(config.pgVersion)));
  if (version === undefined) return { error: `${file}: pgVersion needs a version like 14, "14.2" or 140002` };
  const rules: Record<string, Severity | "off"> = { ...config.rules };
  for (const id of args.disable) rules[id] = "off";
  const unknown = Object.keys(rules).filter((id) => !isRuleId(id));
  if (unknown.length) return { error: `unknown rule ${unknown.join(", ")} (npm run lint-sql -- --rules lists them)` };
  const refs = [...(config.assumeValidatedChecks ?? []), ...args.checks];
  const checks: NonNullable<LintFacts["checks"]> = [];
  for (const ref of refs) {
    const c = parseColumnRef(ref);
    if (!c) return { error: `${file}: assumeValidatedChecks needs TABLE.COLUMN or SCHEMA.TABLE.COLUMN (got ${ref})` };
    checks.push({ table: c.table, name: "(assumed)", columns: [c.column], notNullOf: c.column, source: "assumed" });
  }
  const minSeverity = args.minSeverity ?? config.minSeverity;
  return {
    serverVersionNum: version,
    assumeInTransaction: args.assumeInTransaction ?? config.assumeInTransaction ?? false,
    rules,
    ...(minSeverity ? { minSeverity } : {}),
    ...(checks.length ? { facts: { checks } } : {}),
  };
}

async function toolVersion(): Promise<string> {
  const pkg = JSON.parse(await fs.readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
  return pkg.version ?? "unknown";
}

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const args = parseArgs(argv);
  if ("help" in args) {
    io.out(USAGE);
    return 0;
  }
  if ("rules" in args) {
    for (const r of ruleCatalog()) io.out(`${r.id.padEnd(28)} ${r.severity.padEnd(8)} ${r.title}${r.lower ? ` (${r.lower})` : ""}`);
    return 0;
  }
  if ("error" in args) {
    io.err(`lint-sql: ${args.error}\n${USAGE}`);
    return 2;
  }
  const options = await optionsOf(args, io);
  if ("error" in options) {
    io.err(`lint-sql: ${options.error}`);
    return 2;
  }
  const files: FileReport[] = [];
  for (const file of args.files) {
    let sql: string;
    try {
      sql = await io.readFile(file);
    } catch (err) {
      const error = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message;
      io.err(`lint-sql: cannot read ${file}: ${error}`);
      files.push({ file, error });
      continue;
    }
    files.push({ file, result: await lintSql(sql, options) });
  }
  const report: RunReport = { tool: { name: "pgwarden-lint", version: await toolVersion() }, files, totals: totalsOf(files) };
  const ctx = { rules: ruleCatalog() };
  if (args.format === "json") io.out(JSON.stringify(report, null, 2));
  else if (args.format === "sarif") io.out(JSON.stringify(sarif(report, ctx), null, 2));
  else if (args.format === "github") githubAnnotations(report).forEach((l) => io.out(l));
  else (args.format === "long" ? longText(report) : compactText(report, ctx)).forEach((l) => io.out(l));
  return report.totals.unreadable > 0 ? 2 : report.totals.error > 0 ? 1 : 0;
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
