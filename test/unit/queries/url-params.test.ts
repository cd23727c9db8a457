import { describe, expect, it } from "vitest";
import { ACTIVITY_RENAMED, ActivityPageQuery, activityApiQuery, activityPageQueryFrom } from "@/lib/activity/params";
import { clampOffset, patchQuery, readParams } from "@/lib/queries/url-params";
import { TablesQuery } from "@/lib/schemas/storage";

const activity = (qs: string) => readParams({ fields: ActivityPageQuery.shape, renamed: ACTIVITY_RENAMED }, new URLSearchParams(qs));
const tables = (qs: string) => readParams({ fields: TablesQuery.shape }, new URLSearchParams(qs));

describe("URL parameters", () => {
  it("keeps valid parameters and asks for no correction", () => {
    const r = activity("state=active&user=shop_app&sort=pid&dir=asc&minDuration=30");
    expect(r.problems).toEqual([]);
    expect(r.corrected).toBeNull();
    expect(r.values).toEqual({ state: "active", user: "shop_app", sort: "pid", dir: "asc", minDuration: 30 });
  });

  it("reports an unknown session state and removes it, keeping the rest", () => {
    const r = activity("state=bogus&user=shop_app");
    expect(r.values).toEqual({ user: "shop_app" });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ key: "state", value: "bogus" });
    expect(r.problems[0]!.message).toMatch(/state=bogus is not valid \(not a session state \(active, idle/);
    expect(r.corrected).toBe("user=shop_app");
  });

  it("accepts a list of known states and refuses a list with one unknown", () => {
    expect(activity("state=active,idle in transaction").values).toEqual({ state: "active,idle in transaction" });
    expect(activity("state=active,nope").problems[0]?.key).toBe("state");
  });

  it("names the allowed values of an enum and refuses numbers out of range", () => {
    expect(activity("sort=size").problems[0]?.message).toMatch(/not one of duration, query_age/);
    expect(activity("minDuration=-5").corrected).toBe("");
    expect(tables("limit=100000").problems[0]?.message).toMatch(/^limit=100000 is not valid/);
    expect(tables("offset=abc").problems[0]?.key).toBe("offset");
  });

  it("removes parameters the page does not have, and says so", () => {
    const r = activity("foo=1&state=active");
    expect(r.problems).toEqual([{ key: "foo", value: "1", message: "foo= is not a parameter of this page; it was removed." }]);
    expect(r.corrected).toBe("state=active");
  });

  it("moves a renamed parameter (database= is the header's db=)", () => {
    const r = activity("database=shop&state=idle");
    expect(r.values).toEqual({ db: "shop", state: "idle" });
    expect(r.corrected).toBe("db=shop&state=idle");
    expect(r.problems[0]?.message).toBe("database= is now db=; the address was changed.");
  });

  it("uses the first of a repeated parameter and drops empty ones silently", () => {
    const r = activity("user=a&user=b&text=");
    expect(r.values).toEqual({ user: "a" });
    expect(r.problems.map((p) => p.key)).toEqual(["user"]);
    expect(r.corrected).toBe("user=a");
  });

  it("keeps parameters another part of the page reads", () => {
    const r = readParams({ fields: {}, keep: ["db"] }, new URLSearchParams("db=shop"));
    expect(r).toEqual({ values: {}, problems: [], corrected: null });
  });

  it("the server render applies the same rules as the browser", () => {
    expect(activityPageQueryFrom(new URLSearchParams("state=bogus&database=shop&sort=pid"))).toEqual({ db: "shop", sort: "pid" });
    expect(activityApiQuery({ db: "shop", state: "active" })).toEqual({ database: "shop", state: "active" });
    expect(activityApiQuery({ user: "x" })).toEqual({ user: "x" });
  });
});

describe("offset past the end", () => {
  it("moves to the start of the last page and explains", () => {
    const fix = clampOffset(5000, 50, 120);
    expect(fix?.offset).toBe(100);
    expect(fix?.problem.message).toBe("offset=5000 is past the end (there are 120 rows; showing the last page).");
  });
  it("lands on 0 when there are no rows, and leaves a valid offset alone", () => {
    expect(clampOffset(50, 50, 0)?.offset).toBe(0);
    expect(clampOffset(100, 50, 101)).toBeUndefined();
    expect(clampOffset(100, 50, 100)?.offset).toBe(50);
    expect(clampOffset(0, 50, 0)).toBeUndefined();
    expect(clampOffset(500, 50, undefined)).toBeUndefined();
  });
});

describe("patchQuery", () => {
  it("sets, replaces and removes keys without touching the others", () => {
    expect(patchQuery(new URLSearchParams("db=shop&offset=50&q=x"), { offset: undefined, q: "", sort: "name" })).toBe("db=shop&sort=name");
  });
});
