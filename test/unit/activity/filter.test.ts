import { describe, expect, it } from "vitest";
import { filterSessions, sortSessions } from "@/lib/activity/filter";
import type { Session } from "@/lib/schemas/activity";
import { SignalRequest, TerminateRequest } from "@/lib/schemas/signals";

const NOW = 1_000_000;
function session(p: Partial<Session> & { pid: number }): Session {
  return {
    backendStartUs: 1, database: "app", user: "web", application: "api", clientAddr: null,
    backendType: "client backend", state: "active", waitEventType: null, waitEvent: null,
    xactStart: null, queryStart: NOW - 1000, stateChange: null, blockedBy: [], query: "select 1",
    queryTruncated: false, visible: true, unkillable: null, ...p,
  };
}

describe("filterSessions", () => {
  const rows = [
    session({ pid: 1, queryStart: NOW - 120_000 }),
    session({ pid: 2, state: "idle in transaction", xactStart: NOW - 600_000, user: "batch" }),
    session({ pid: 3, backendType: "autovacuum worker", user: null }),
    session({ pid: 4, query: "UPDATE orders SET x = 1", application: "worker" }),
  ];

  it("hides background processes unless asked", () => {
    expect(filterSessions(rows, {}, NOW).map((r) => r.pid)).toEqual([1, 2, 4]);
    expect(filterSessions(rows, { background: "1" }, NOW).map((r) => r.pid)).toEqual([1, 2, 3, 4]);
  });

  it("applies the bulk rule 'idle in transaction longer than N for user X'", () => {
    const rule = { state: "idle in transaction", user: "batch", minDuration: 300 };
    expect(filterSessions(rows, rule, NOW).map((r) => r.pid)).toEqual([2]);
    expect(filterSessions(rows, { ...rule, minDuration: 900 }, NOW)).toEqual([]);
  });

  it("matches text case-insensitively in the query", () => {
    expect(filterSessions(rows, { text: "orders" }, NOW).map((r) => r.pid)).toEqual([4]);
  });

  it("sorts by duration, longest first, nulls last", () => {
    const sorted = sortSessions([...rows, session({ pid: 5, queryStart: null })], {}, NOW);
    expect(sorted.map((r) => r.pid)).toEqual([2, 1, 3, 4, 5]);
  });
});

describe("signal request schemas", () => {
  const ok = { sessions: [{ pid: 42, backendStartUs: 1 }], requestId: "3b241101-e2bb-4255-8caf-4136c566a962" };
  it.each([["1; SELECT pg_sleep(9)"], [-1], [2147483648], ["1e3"], [null], [1.5]])("rejects pid %s", (pid) => {
    expect(SignalRequest.safeParse({ ...ok, kind: "cancel", sessions: [{ pid, backendStartUs: 1 }] }).success).toBe(false);
  });
  it("needs the typed word for terminate", () => {
    expect(TerminateRequest.safeParse(ok).success).toBe(false);
    expect(TerminateRequest.safeParse({ ...ok, confirm: "yes" }).success).toBe(false);
    expect(TerminateRequest.safeParse({ ...ok, confirm: "terminate" }).success).toBe(true);
  });
});
