// Machine output for CI: SARIF 2.1.0 (code scanning) and GitHub Actions workflow commands
// (annotations on the pull request's diff).
import type { Finding, Severity } from "@/lib/schemas/lint";
import type { ReportContext, RunReport } from "./types";

const SARIF_LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** A path as a SARIF/GitHub artifact URI: forward slashes, standard input named as such. */
function uriOf(file: string): string {
  return file === "-" ? "stdin" : file.split("\\").join("/");
}

function text(f: Finding): string {
  return `${f.message}. ${f.why}${f.recipe ? ` Safe way: ${f.recipe.summary}` : ""}`;
}

export function sarif(report: RunReport, ctx: ReportContext): object {
  const index = new Map(ctx.rules.map((r, i) => [r.id, i]));
  const resultOf = (file: string, f: Finding, suppression?: string) => ({
    ruleId: f.rule,
    ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
    level: SARIF_LEVEL[f.severity],
    message: { text: text(f) },
    locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(file) }, region: { startLine: f.line, startColumn: f.column } } }],
    ...(suppression ? { suppressions: [{ kind: "inSource", justification: suppression }] } : {}),
  });
  const results = report.files.flatMap(({ file, result }) => [
    ...(result?.findings ?? []).map((f) => resultOf(file, f)),
    ...(result?.ignored ?? []).map((f) => resultOf(file, f, f.ignore.reason)),
  ]);
  const unread = report.files.filter((f) => !f.result);
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            rules: ctx.rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.title },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
              ...(r.lower ? { help: { text: `Default ${r.severity}; ${r.lower}.` } } : {}),
            })),
          },
        },
        results,
        invocations: [
          {
            executionSuccessful: unread.length === 0,
            toolExecutionNotifications: unread.map((f) => ({
              level: "error",
              message: { text: `${f.file} not read: ${f.error ?? "unknown error"}` },
              locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(f.file) } } }],
            })),
          },
        ],
      },
    ],
  };
}

// Workflow command escaping (actions/toolkit, command.ts): data escapes %, CR, LF; property
// values also escape ':' and ','.
function escapeData(s: string): string {
  return s.split("%").join("%25").split("\r").join("%0D").split("\n").join("%0A");
}
function escapeProperty(s: string): string {
  return escapeData(s).split(":").join("%3A").split(",").join("%2C");
}

const GITHUB_COMMAND: Record<Severity, "error" | "warning" | "notice"> = { error: "error", warning: "warning", info: "notice" };

export function githubAnnotations(report: RunReport): string[] {
  const out: string[] = [];
  for (const { file, result, error } of report.files) {
    if (!result) {
      out.push(`::error file=${escapeProperty(uriOf(file))},title=${escapeProperty("file not read")}::${escapeData(`${file} not read: ${error ?? "unknown error"}`)}`);
      continue;
    }
    for (const f of result.findings) {
      const props = [`file=${escapeProperty(uriOf(file))}`, `line=${f.line}`, `col=${f.column}`, `title=${escapeProperty(`pgwarden-lint ${f.rule}`)}`];
      out.push(`::${GITHUB_COMMAND[f.severity]} ${props.join(",")}::${escapeData(text(f))}`);
    }
  }
  const t = report.totals;
  out.push(`pgwarden-lint ${report.tool.version}: ${t.error} error(s), ${t.warning} warning(s), ${t.info} info, ${t.ignored} ignored in ${t.files - t.unreadable} file(s)${t.unreadable ? `, ${t.unreadable} not read` : ""}`);
  return out;
}
