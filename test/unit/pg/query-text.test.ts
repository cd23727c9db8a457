import { afterEach, describe, expect, it } from "vitest";
import { env, resetEnvCache } from "@/lib/config/env";
import { queryTextFor, queryTextMode } from "@/lib/pg/query-text";

function withSetting(value: string | undefined) {
  if (value === undefined) delete process.env.PGWARDEN_QUERY_TEXT;
  else process.env.PGWARDEN_QUERY_TEXT = value;
  resetEnvCache();
}

afterEach(() => withSetting(undefined));

describe("PGWARDEN_QUERY_TEXT", () => {
  it("defaults to normalized for viewers and full for operators and admins", () => {
    withSetting(undefined);
    expect(["viewer", "operator", "admin"].map(queryTextMode)).toEqual(["normalized", "full", "full"]);
    withSetting("");
    expect(env().PGWARDEN_QUERY_TEXT).toEqual({ viewer: "normalized", operator: "full", admin: "full" });
  });

  it("takes one mode for every role, or ROLE=MODE pairs (roles left out keep their default)", () => {
    withSetting("normalized");
    expect(["viewer", "operator", "admin"].map(queryTextMode)).toEqual(["normalized", "normalized", "normalized"]);
    withSetting("full");
    expect(queryTextMode("viewer")).toBe("full");
    withSetting(" operator = normalized , viewer=full");
    expect(["viewer", "operator", "admin"].map(queryTextMode)).toEqual(["full", "normalized", "full"]);
  });

  it("refuses a value it does not understand, naming the part and the syntax", () => {
    withSetting("viewer=full,guest=full");
    expect(() => env()).toThrow(/PGWARDEN_QUERY_TEXT: "guest=full" is not ROLE=MODE/);
    withSetting("viewer=redacted");
    expect(() => env()).toThrow(/viewer=normalized,operator=full,admin=full/);
  });

  it("gives a role it does not know the least: normalized text", () => {
    withSetting("full");
    expect(queryTextMode("none")).toBe("normalized");
  });

  it("normalizes the rows for a normalized role and returns the same rows for a full one", async () => {
    withSetting(undefined);
    const rows = [{ pid: 1, query: "SELECT * FROM t WHERE id = 7" }, { pid: 2, query: null }];
    expect(await queryTextFor(rows, "admin")).toBe(rows);
    expect(await queryTextFor(rows, "viewer")).toEqual([{ pid: 1, query: "SELECT * FROM t WHERE id = $1" }, { pid: 2, query: null }]);
    expect(rows[0]!.query).toBe("SELECT * FROM t WHERE id = 7"); // the shared snapshot is not changed
  });
});
