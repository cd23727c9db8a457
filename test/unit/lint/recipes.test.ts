import fs from "node:fs";
import path from "node:path";
import { scanSync } from "libpg-query";
import { beforeAll, describe, expect, it } from "vitest";
import { main, type Io } from "@/lib/cli/lint-sql";
import { lintSql } from "@/lib/lint";
import { ensureParser, parseSql } from "@/lib/lint/parse";
import { Source } from "@/lib/lint/source";
import { parsePgVersion } from "@/lib/lint/version";

// Issue 15: "The linter's own recipe files, split as a team would into separate migrations, lint
// clean." Each folder under recipes/ holds the dangerous statement (trigger.sql), the recipe the
// linter gives for it split into one migration file per step, and recipe.json: the rule, the
// server version, and how each file is run (--assume-in-transaction for a tool that wraps files
// in a transaction; --assume-validated-check where a step depends on an earlier file).
const DIR = path.join(import.meta.dirname, "recipes");

interface Manifest {
  rule: string;
  pgVersion: string;
  steps: { file: string; args: string[] }[];
}

const recipes = fs
  .readdirSync(DIR)
  .sort()
  .map((name) => ({ name, dir: path.join(DIR, name), manifest: JSON.parse(fs.readFileSync(path.join(DIR, name, "recipe.json"), "utf8")) as Manifest }));

beforeAll(() => ensureParser());

/** The recipe's SQL split into statements by the lexer, each as a pattern: placeholders (<…>) match anything. */
function recipePatterns(sql: string): RegExp[] {
  const source = new Source(sql);
  const out: RegExp[] = [];
  let start = 0;
  for (const t of scanSync(sql).tokens ?? []) {
    if (t.text !== ";") continue;
    const end = source.fromByte(t.start);
    out.push(pattern(sql.slice(start, end)));
    start = source.fromByte(t.end);
  }
  return out;
}

function pattern(statement: string): RegExp {
  const parts = statement.trim().split(/(<[^>]+>)/);
  const body = parts.map((p) => (p.startsWith("<") ? ".+" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/\s+/g, "\\s+"))).join("");
  return new RegExp(`^${body}$`);
}

async function lintFile(file: string, args: string[], pgVersion: string) {
  const out: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => out.push(l), readFile: (f) => fs.promises.readFile(f, "utf8"), readConfig: async () => undefined };
  const code = await main(["--format=json", "--pg-version", pgVersion, ...args, file], io);
  return { code, report: JSON.parse(out.join("\n")) };
}

describe("the linter's own recipes, split into migration files", () => {
  it("covers the recipes of the rules that protect production most", () => {
    expect(recipes.length).toBeGreaterThanOrEqual(15);
  });

  for (const { name, dir, manifest } of recipes) {
    describe(name, () => {
      it(`every statement in the files comes from the ${manifest.rule} recipe`, async () => {
        const trigger = fs.readFileSync(path.join(dir, "trigger.sql"), "utf8");
        const { findings } = await lintSql(trigger, { serverVersionNum: parsePgVersion(manifest.pgVersion) });
        const finding = findings.find((f) => f.rule === manifest.rule);
        expect(finding, `${manifest.rule} on trigger.sql`).toBeDefined();
        const patterns = recipePatterns((finding?.recipe?.steps ?? []).flatMap((s) => (s.sql ? [s.sql] : [])).join("\n"));
        for (const step of manifest.steps) {
          const { statements, error } = await parseSql(fs.readFileSync(path.join(dir, step.file), "utf8"));
          expect(error).toBeUndefined();
          for (const s of statements) expect(patterns.some((p) => p.test(s.text.trim())), `${step.file}: ${s.text}`).toBe(true);
        }
      });

      it.each(manifest.steps.map((s) => [s.file, s.args] as const))("%s lints clean", async (file, args) => {
        const { code, report } = await lintFile(path.join(dir, file), [...args], manifest.pgVersion);
        expect(report.files[0].result.findings, file).toEqual([]);
        expect(report.totals).toMatchObject({ error: 0, warning: 0, info: 0, unreadable: 0 });
        expect(code).toBe(0);
      });
    });
  }
});
