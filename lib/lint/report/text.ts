// Text output for people. compact (the default): one line per finding, grouped by file, and the
// rules that fire on nearly every DDL statement (severities.ts `generic`) summarized in one line
// per file. long: the same with why, the facts and the safe recipe for each finding.
import type { Finding, LintResult } from "@/lib/schemas/lint";
import { versionLabel } from "../version";
import { plural, type ReportContext, type RunReport } from "./types";

const MAX_LINES_LISTED = 10;

function header(file: string, r: LintResult): string {
  return `${file}  (PostgreSQL ${versionLabel(r.serverVersionNum)}, ${plural(r.statementCount, "statement")})`;
}

function position(f: Finding): string {
  return `${f.line}:${f.column}`.padEnd(7);
}

function totalsLine(report: RunReport): string {
  const t = report.totals;
  const extras = [t.ignored ? `${t.ignored} ignored` : "", t.unreadable ? `${plural(t.unreadable, "file")} not read` : ""].filter(Boolean);
  return `${plural(t.error, "error")}, ${plural(t.warning, "warning")}, ${t.info} info in ${plural(t.files - t.unreadable, "file")}${extras.length ? ` (${extras.join(", ")})` : ""} — pgwarden-lint ${report.tool.version}`;
}

export function compactText(report: RunReport, ctx: ReportContext): string[] {
  const generic = new Set(ctx.rules.filter((r) => r.generic).map((r) => r.id));
  const titles = new Map(ctx.rules.map((r) => [r.id, r.title]));
  const out: string[] = [];
  for (const { file, result, error } of report.files) {
    if (!result) {
      out.push(`${file}  not read: ${error ?? "unknown error"}`, "");
      continue;
    }
    out.push(header(file, result));
    const summarized = new Map<string, Finding[]>();
    for (const f of result.findings) {
      if (generic.has(f.rule)) summarized.set(f.rule, [...(summarized.get(f.rule) ?? []), f]);
      else out.push(`  ${position(f)} ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}`);
    }
    for (const [rule, list] of summarized) {
      const first = list[0];
      if (!first) continue;
      if (list.length === 1) {
        out.push(`  ${position(first)} ${first.severity.padEnd(7)}  ${rule}  ${first.message}`);
        continue;
      }
      const lines = list.map((f) => f.line);
      const shown = lines.slice(0, MAX_LINES_LISTED).join(", ") + (lines.length > MAX_LINES_LISTED ? ", …" : "");
      out.push(`  ${"".padEnd(7)} ${first.severity.padEnd(7)}  ${rule} ×${list.length}  lines ${shown}: ${titles.get(rule) ?? ""}`);
    }
    for (const f of result.ignored) out.push(`  ${position(f)} ignored  ${f.rule}  ${f.message} — ${f.ignore.reason}`);
    if (result.findings.length === 0 && result.ignored.length === 0) out.push("  no findings");
    out.push("");
  }
  out.push(totalsLine(report));
  if (report.totals.error + report.totals.warning > 0) out.push("Run with --format=long for why and the safe way to do each.");
  return out;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");
}

function longFinding(f: Finding, out: string[], printed: Set<string>) {
  out.push(`  ${position(f)} ${f.severity.padEnd(7)}  ${f.rule}  ${f.message}`);
  const tables = f.tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name)).join(", ");
  const facts = [f.lock ? `lock ${f.lock}` : "", f.work !== "none" ? `work ${f.work}` : "", tables ? `tables ${tables}` : ""].filter(Boolean);
  if (facts.length) out.push(`      ${facts.join(" · ")}`);
  out.push(indent(`why: ${f.why}`, "      "));
  if (!f.recipe) return;
  out.push(`      fix: ${f.recipe.summary}`);
  // The same recipe (e.g. SET lock_timeout for every DDL statement) is printed once per file.
  const key = JSON.stringify(f.recipe);
  if (printed.has(key)) {
    out.push("        (steps as above)");
    return;
  }
  printed.add(key);
  f.recipe.steps.forEach((s, i) => {
    out.push(`        ${i + 1}. ${s.text}`);
    if (s.sql) out.push(indent(s.sql, "             "));
  });
}

export function longText(report: RunReport): string[] {
  const out: string[] = [];
  for (const { file, result, error } of report.files) {
    if (!result) {
      out.push(`${file}  not read: ${error ?? "unknown error"}`, "");
      continue;
    }
    out.push(header(file, result));
    if (result.findings.length === 0) out.push("  no findings");
    let last = -1;
    const printed = new Set<string>();
    for (const f of result.findings) {
      if (f.statement !== last) {
        out.push(f.statement === 0 ? "  the file:" : `  statement ${f.statement}: ${f.excerpt.split("\n")[0]}`);
        last = f.statement;
      }
      longFinding(f, out, printed);
    }
    for (const f of result.ignored) out.push(`  ignored at ${f.line}:${f.column}: ${f.rule} (${f.message}) — reason: ${f.ignore.reason}`);
    out.push("");
  }
  out.push(totalsLine(report));
  return out;
}
