// The shared request building blocks (lib/schemas/common.ts): NUL bytes, plain decimal integers
// from URLs, ranges; and the schemas that use them name the field in their issues.
import { describe, expect, it } from "vitest";
import { LoginRequest } from "@/lib/schemas/auth";
import { ActivityQuery } from "@/lib/schemas/activity";
import { AuditQuery } from "@/lib/schemas/audit";
import { intParam, int, optionalIntParam, optionalNumberParam, optionalText, text } from "@/lib/schemas/common";
import { JobParams, RelationUsersQuery, VacuumJobsRequest } from "@/lib/schemas/jobs";
import { LintRequest } from "@/lib/schemas/lint";
import { SessionRef } from "@/lib/schemas/signals";
import { BloatQuery, ExactBloatQuery, IndexesQuery, SpaceQuery, TablesQuery } from "@/lib/schemas/storage";

const issuesOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => (r.error?.issues ?? []).map((i) => i.path.join("."));

describe("text()", () => {
  it("refuses a NUL byte anywhere and keeps unicode", () => {
    expect(text(10).safeParse("a\u0000b").success).toBe(false);
    expect(text(10).safeParse("\u0000").success).toBe(false);
    expect(text(20).safeParse("ü 漢字 🙂").success).toBe(true);
    expect(text(3).safeParse("abcd").success).toBe(false);
    expect(text(3, 1).safeParse("").success).toBe(false);
  });
  it("optionalText: an empty value means absent", () => {
    expect(optionalText(5).parse("")).toBeUndefined();
    expect(optionalText(5).safeParse("x\u0000").success).toBe(false);
  });
});

describe("intParam() / optionalNumberParam(): only plain decimals from a URL", () => {
  it.each(["0.5", "1e20", "1e3", "0x10", " ", "Infinity", "NaN", "-", "1_000", "٣"])("intParam refuses %j", (v) => {
    expect(intParam(0, 100).safeParse(v).success).toBe(false);
  });
  it("accepts integers inside the range, refuses outside; empty is absent", () => {
    expect(intParam(0, 100).parse("42")).toBe(42);
    expect(intParam(0, 100).parse(" 7 ")).toBe(7);
    expect(intParam(0, 100).safeParse("101").success).toBe(false);
    expect(intParam(0, 100).safeParse("-1").success).toBe(false);
    expect(optionalIntParam(0, 100).parse("")).toBeUndefined();
    expect(optionalIntParam(0, 100).parse(undefined)).toBeUndefined();
    expect(intParam(1, 100, 50).parse("")).toBe(50);
    expect(intParam(1, 100, 50).parse(undefined)).toBe(50);
    expect(TablesQuery.parse({ minSizeBytes: "", minDeadPct: "", q: "", limit: "" })).toMatchObject({ limit: 50 });
    expect(intParam(0, Number.MAX_SAFE_INTEGER).safeParse("100000000000000000000").success).toBe(false);
    expect(intParam(0, 100).safeParse(["1", "2"]).success).toBe(false); // ?limit=1&limit=2
  });
  it("optionalNumberParam takes fractions, not exponents", () => {
    expect(optionalNumberParam(0, 100).parse("0.5")).toBe(0.5);
    expect(optionalNumberParam(0, 100).parse(".5")).toBe(0.5);
    expect(optionalNumberParam(0, 100).safeParse("5e1").success).toBe(false);
    expect(optionalNumberParam(0, 100).safeParse("100.1").success).toBe(false);
  });
  it("int() in a JSON body: numbers only", () => {
    expect(int(1, 10).safeParse("5").success).toBe(false);
    expect(int(1, 10).safeParse(5.5).success).toBe(false);
    expect(int(1, 10).parse(5)).toBe(5);
  });
});

describe("request schemas use them (the 400 names the field)", () => {
  it.each([
    { name: "TablesQuery", schema: TablesQuery, input: { minSizeBytes: "1e20" }, field: "minSizeBytes" },
    { name: "TablesQuery", schema: TablesQuery, input: { minSizeBytes: "0.5" }, field: "minSizeBytes" },
    { name: "TablesQuery", schema: TablesQuery, input: { q: "a\u0000" }, field: "q" },
    { name: "TablesQuery", schema: TablesQuery, input: { schema: "\u0000" }, field: "schema" },
    { name: "TablesQuery", schema: TablesQuery, input: { db: "x\u0000" }, field: "db" },
    { name: "TablesQuery", schema: TablesQuery, input: { limit: "1000" }, field: "limit" },
    { name: "TablesQuery", schema: TablesQuery, input: { offset: "2.5" }, field: "offset" },
    { name: "IndexesQuery", schema: IndexesQuery, input: { q: "\u0000" }, field: "q" },
    { name: "BloatQuery", schema: BloatQuery, input: { minBytes: "1e3" }, field: "minBytes" },
    { name: "ExactBloatQuery", schema: ExactBloatQuery, input: { oids: "1,4294967296" }, field: "oids.1" },
    { name: "SpaceQuery", schema: SpaceQuery, input: { top: "0" }, field: "top" },
    { name: "ActivityQuery", schema: ActivityQuery, input: { text: "\u0000" }, field: "text" },
    { name: "ActivityQuery", schema: ActivityQuery, input: { minDuration: "1e9" }, field: "minDuration" },
    { name: "AuditQuery", schema: AuditQuery, input: { user: "\u0000" }, field: "user" },
    { name: "AuditQuery", schema: AuditQuery, input: { before: "1.5" }, field: "before" },
    { name: "JobParams", schema: JobParams, input: { server: "s", job: "1e3" }, field: "job" },
    { name: "RelationUsersQuery", schema: RelationUsersQuery, input: { relid: "-1" }, field: "relid" },
    { name: "LoginRequest", schema: LoginRequest, input: { name: "admin\u0000", password: "p" }, field: "name" },
    { name: "LintRequest", schema: LintRequest, input: { sql: "SELECT 1\u0000" }, field: "sql" },
    { name: "VacuumJobsRequest", schema: VacuumJobsRequest, input: { command: "vacuum", relids: [0.5] }, field: "relids.0" },
    { name: "SessionRef", schema: SessionRef, input: { pid: 2 ** 31, backendStartUs: 1 }, field: "pid" },
  ])("$name $field", ({ schema, input, field }) => {
    const r = (schema as { safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[] }[] } } }).safeParse(input);
    expect(r.success).toBe(false);
    expect(issuesOf(r)).toContain(field);
  });
});
