import { describe, expect, it } from "vitest";
import { lintSql } from "@/lib/lint";
import { parseColumnRef } from "@/lib/lint/directives";
import type { LintFacts } from "@/lib/schemas/lint";
import { findingsOf } from "./helpers";

// Issue 15, item 2: cross-migration context. The NOT NULL recipe, split as a team would:
//   file 1: ADD CONSTRAINT … CHECK (email IS NOT NULL) NOT VALID
//   file 2: VALIDATE CONSTRAINT …
//   file 3: SET NOT NULL; DROP CONSTRAINT …   ← needs to know that file 2 ran
const file3 = "SET lock_timeout = '2s';\nALTER TABLE public.users ALTER COLUMN email SET NOT NULL;\nALTER TABLE public.users DROP CONSTRAINT users_email_not_null;";
const validated: LintFacts = {
  checks: [{ table: { schema: "public", name: "users" }, name: "users_email_not_null", columns: ["email"], notNullOf: "email", source: "catalog" }],
};

describe("cross-migration context", () => {
  it("without context, SET NOT NULL in the third file is an error (the linter cannot see file 2)", async () => {
    expect((await findingsOf("set-not-null", file3))[0]?.severity).toBe("error");
  });

  it("a validated CHECK (email IS NOT NULL) from the catalog lets it pass (PostgreSQL 12+)", async () => {
    expect((await lintSql(file3, { facts: validated })).findings).toEqual([]);
    expect(await findingsOf("set-not-null", file3, { facts: validated, serverVersionNum: 110000 })).toHaveLength(1);
  });

  it("a CHECK on another column, or one that is not exactly IS NOT NULL, does not count", async () => {
    const other: LintFacts = { checks: [{ table: { name: "users" }, name: "x", columns: ["email"], source: "catalog" }] };
    expect(await findingsOf("set-not-null", file3, { facts: other })).toHaveLength(1);
    const otherTable: LintFacts = { checks: [{ ...validated.checks![0]!, table: { schema: "billing", name: "users" } }] };
    expect(await findingsOf("set-not-null", file3, { facts: otherTable })).toHaveLength(1);
  });

  it("a column already NOT NULL makes SET NOT NULL a no-op", async () => {
    const facts: LintFacts = { columns: [{ table: { name: "users" }, column: "email", type: { name: "text", typmod: -1, array: false }, notNull: true, indexes: 0, checks: 0 }] };
    expect(await findingsOf("set-not-null", file3, { facts })).toEqual([]);
  });

  it("an inline note says what an earlier migration did", async () => {
    const noted = `-- pgwarden-lint-assume-validated-check public.users.email: validated in 0042_validate_users_email.sql\n${file3}`;
    expect(parseColumnRef("public.users.email")).toEqual({ table: { schema: "public", name: "users" }, column: "email" });
    expect(parseColumnRef('"Users"."E-mail"')).toEqual({ table: { name: "Users" }, column: "E-mail" });
    expect(parseColumnRef("users")).toBeUndefined();
    const bad = await lintSql(`-- pgwarden-lint-assume-validated-check users\n${file3}`);
    expect(bad.findings.map((f) => f.rule).sort()).toEqual(["lint-comment", "set-not-null"]);
    expect((await lintSql(noted)).findings).toEqual([]);
  });

  it("ATTACH PARTITION: a validated CHECK on the partition key of the child, from the catalog", async () => {
    const sql = "SET lock_timeout = '2s';\nALTER TABLE public.events ATTACH PARTITION public.events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
    const key = { table: { schema: "public", name: "events" }, columns: ["at"] };
    const check = (columns: string[]) => ({ table: { schema: "public", name: "events_2024" }, name: "b", columns, source: "catalog" as const });
    expect(await findingsOf("attach-without-check", sql, { facts: { partitionKeys: [key], checks: [check(["at"])] } })).toEqual([]);
    const [f] = await findingsOf("attach-without-check", sql, { facts: { partitionKeys: [key], checks: [check(["id"])] } });
    expect(f?.message).toContain("do not use the partition key at");
    // The recipe states the bound as a CHECK once the key is known.
    expect(f?.recipe?.steps.map((s) => s.sql).join("\n")).toContain("CHECK (at IS NOT NULL AND at >= '2024-01-01' AND at < '2025-01-01') NOT VALID");
  });

  it("ADD COLUMN of a domain with a CHECK rewrites: the catalog says which types are such domains", async () => {
    const sql = "ALTER TABLE public.users ADD COLUMN contact email_address;";
    expect(await findingsOf("add-column-rewriting-kind", sql)).toEqual([]);
    expect((await lintSql(sql)).catalogQuestions.types).toEqual(["email_address"]);
    const facts: LintFacts = { types: [{ name: "email_address", kind: "domain", base: { name: "text", typmod: -1, array: false }, hasChecks: true }] };
    expect((await findingsOf("add-column-rewriting-kind", sql, { facts }))[0]).toMatchObject({ severity: "error", work: "rewrite" });
  });

  it("asks the catalog about the tables whose facts would settle a finding", async () => {
    const { catalogQuestions } = await lintSql(file3);
    expect(catalogQuestions).toEqual({ tables: [{ schema: "public", name: "users" }], types: [] });
  });
});
