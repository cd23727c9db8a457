import { describe, expect, it } from "vitest";
import { lockTarget } from "@/lib/activity/locks";
import { qualifiedName, quoteIdent } from "@/lib/names";
import type { SessionLock } from "@/lib/schemas/locks";

describe("names shown as PostgreSQL's quote_ident writes them", () => {
  it("leaves plain lower-case names bare", () => {
    expect(quoteIdent("orders")).toBe("orders");
    expect(quoteIdent("_tmp1")).toBe("_tmp1");
    expect(qualifiedName("public", "e2e_maint_big")).toBe("public.e2e_maint_big");
  });
  it("quotes capitals, spaces, symbols, leading digits and non-ASCII, doubling quotes", () => {
    expect(quoteIdent("Orders")).toBe('"Orders"');
    expect(quoteIdent("order items")).toBe('"order items"');
    expect(quoteIdent("a$b")).toBe('"a$b"');
    expect(quoteIdent("1st")).toBe('"1st"');
    expect(quoteIdent("café")).toBe('"café"');
    expect(quoteIdent('say "hi"')).toBe('"say ""hi"""');
    expect(qualifiedName("Sales", "user")).toBe('"Sales"."user"');
  });
  it("quotes reserved keywords but not unreserved ones", () => {
    expect(quoteIdent("user")).toBe('"user"');
    expect(quoteIdent("table")).toBe('"table"');
    expect(quoteIdent("name")).toBe("name");
    expect(quoteIdent("status")).toBe("status");
  });
  it("leaves the schema out when it is not known", () => {
    expect(qualifiedName(undefined, "orders")).toBe("orders");
  });
});

describe("what a lock is on", () => {
  const lock = (p: Partial<SessionLock>): SessionLock => ({
    locktype: "relation", mode: "AccessShareLock", granted: true, relationOid: null, schema: null, relation: null, database: null,
    page: null, tuple: null, virtualxid: null, transactionid: null, classid: null, objid: null, objsubid: null, waitStart: null, ...p,
  });
  it("names relations, rows and transactions", () => {
    expect(lockTarget(lock({ relationOid: 1, schema: "public", relation: "Orders" }))).toBe('public."Orders"');
    expect(lockTarget(lock({ locktype: "tuple", relationOid: 1, schema: "public", relation: "t", page: 0, tuple: 3 }))).toBe("public.t row (0,3)");
    expect(lockTarget(lock({ relationOid: 42, database: "other" }))).toBe("relation OID 42 in other");
    expect(lockTarget(lock({ locktype: "transactionid", transactionid: "1234" }))).toBe("transaction 1234");
  });
  it("shows a bigint advisory key as the number given to pg_advisory_lock", () => {
    expect(lockTarget(lock({ locktype: "advisory", classid: 1, objid: 2, objsubid: 1 }))).toBe(`advisory lock ${2 ** 32 + 2}`);
    expect(lockTarget(lock({ locktype: "advisory", classid: 7, objid: 9, objsubid: 2 }))).toBe("advisory lock (7, 9)");
  });
});
