import { describe, expect, it } from "vitest";
import { bouncerFindings } from "@/lib/pg/pgbouncer";
import { toConnection, toDatabase, toPool, toSetting, toStats } from "@/lib/pg/pgbouncer/shows";
import { configuredMaxConnections, coresFromCpuinfo, sizingAdvice } from "@/lib/pg/pgbouncer/sizing-math";
import { bouncerActionRequest } from "@/lib/schemas/pgbouncer";

// Rows as PgBouncer 1.18 returns them (numbers) and as a newer one might (strings, renamed and extra columns).
const pool118 = { database: "shop", user: "app", cl_active: 5, cl_waiting: 15, cl_active_cancel_req: 0, cl_waiting_cancel_req: 0, sv_active: 5, sv_active_cancel: 0, sv_being_canceled: 0, sv_idle: 0, sv_used: 0, sv_tested: 0, sv_login: 0, maxwait: 1, maxwait_us: 500_000, pool_mode: "transaction" };
const poolNewer = { database: "shop", user: "app", cl_active: "5", cl_waiting: "0", cl_cancel_req: "2", sv_active: "1", sv_idle: "4", sv_used: "0", sv_tested: "0", sv_login: "0", maxwait: "0", maxwait_us: "0", pool_mode: "session", load_balance_hosts: null };

describe("SHOW mappers tolerate PgBouncer versions", () => {
  it("SHOW POOLS: maxwait in ms from seconds + microseconds; missing columns are null; string counters count", () => {
    expect(toPool(pool118)).toMatchObject({ clWaiting: 15, maxwaitMs: 1_500, clWaitingCancelReq: 0 });
    expect(toPool(poolNewer)).toMatchObject({ clActive: 5, svIdle: 4, clActiveCancelReq: 2, clWaitingCancelReq: null, svBeingCanceled: null, maxwaitMs: 0 });
  });
  it("SHOW STATS and SHOW DATABASES", () => {
    expect(toStats({ database: "shop", total_xact_count: "10", avg_xact_count: "2", avg_xact_time: "1500", total_server_assignment_count: "9" })).toMatchObject({ totalXactCount: 10, xactPerSecond: 2, avgXactTimeUs: 1500, avgWaitTimeUs: null, totalSentBytes: 0 });
    expect(toDatabase({ name: "shop", host: "10.0.0.1", port: 5432, pool_size: 20, reserve_pool_size: 5, paused: 1, disabled: 0 })).toMatchObject({ reservePool: 5, paused: true, disabled: false, admin: false, minPoolSize: null });
    expect(toDatabase({ name: "pgbouncer", host: null, port: 6432, paused: 0, disabled: 0 }).admin).toBe(true);
  });
  it("SHOW CLIENTS: the console's own admin connection is flagged; wait in ms", () => {
    expect(toConnection({ database: "pgbouncer", application_name: "pgwarden", wait: 0, wait_us: 0 }, "pgwarden").console).toBe(true);
    expect(toConnection({ database: "shop", application_name: "pgwarden", wait: 2, wait_us: 1000 }, "pgwarden")).toMatchObject({ console: false, waitMs: 2001 });
  });
  it("SHOW CONFIG: a key that looks like a secret is never shown", () => {
    expect(toSetting({ key: "server_tls_key_password", value: "hunter2", default: "", changeable: "yes" })).toEqual({ key: "server_tls_key_password", value: "[redacted]", default: null, changeable: true });
    expect(toSetting({ key: "pool_mode", value: "transaction", changeable: "no" })).toEqual({ key: "pool_mode", value: "transaction", default: null, changeable: false });
  });
});

describe("PgBouncer findings", () => {
  const db = (over: Record<string, unknown>) => toDatabase({ name: "shop", pool_size: 5, paused: 0, disabled: 0, ...over });
  it("waiting clients: warning, critical from 10 s; the admin console is ignored", () => {
    expect(bouncerFindings([toPool(pool118)], [db({})])[0]).toMatchObject({ id: "clients_waiting:shop:app", severity: "warning" });
    expect(bouncerFindings([toPool({ ...pool118, maxwait: 12 })], [])[0]!.severity).toBe("critical");
    expect(bouncerFindings([toPool({ ...pool118, database: "pgbouncer" }), toPool(poolNewer)], [])).toEqual([]);
  });
  it("paused and disabled databases", () => {
    expect(bouncerFindings([], [db({ paused: 1, disabled: 1 }), db({ name: "pgbouncer", paused: 1 })]).map((f) => f.check)).toEqual(["database_paused", "database_disabled"]);
  });
});

describe("pool sizing", () => {
  const dbs = [toDatabase({ name: "shop", pool_size: 20, reserve_pool: 5 }), toDatabase({ name: "crm", pool_size: 20, reserve_pool: 0, max_connections: 10 })];
  const pools = [toPool({ ...pool118, database: "shop", user: "a" }), toPool({ ...pool118, database: "shop", user: "b" })];
  it("counts pool_size + reserve per database × user pool, capped by max_db_connections", () => {
    expect(configuredMaxConnections(dbs, pools)).toBe(2 * 25 + 10);
  });
  it("cores × 2 + 1 against what the pools may open and what PostgreSQL allows", () => {
    const a = sizingAdvice({ id: "db", name: "DB" }, { maxConnections: 50, superuserReserved: 3, configuredCores: 4, readCores: 64 }, dbs, pools);
    expect(a).toMatchObject({ cores: 4, coresSource: "servers_file", recommendedActive: 9, configuredMax: 60, postgresLimit: 47, needed: null });
    expect(a.advice.join("\n")).toMatch(/over twice that/);
    expect(a.advice.join("\n")).toMatch(/PostgreSQL allows 47 connections/);
  });
  it("says what it needs: the link, an answer, or the cores", () => {
    expect(sizingAdvice(null, null, dbs, pools).needed).toMatch(/"pgbouncer": "<this id>"/);
    expect(sizingAdvice({ id: "db", name: "DB" }, null, dbs, pools).needed).toMatch(/did not answer/);
    const noCores = sizingAdvice({ id: "db", name: "DB" }, { maxConnections: 500, superuserReserved: 3, configuredCores: null, readCores: null }, dbs, pools);
    expect(noCores).toMatchObject({ cores: null, recommendedActive: null });
    expect(noCores.needed).toContain(`"cores"`);
  });
  it("reads cores from /proc/cpuinfo", () => {
    expect(coresFromCpuinfo("processor\t: 0\nmodel name\t: x\n\nprocessor\t: 1\n")).toBe(2);
    expect(coresFromCpuinfo("")).toBeNull();
  });
});

describe("action requests", () => {
  it("the typed confirmation must name the action and the database", () => {
    const pause = bouncerActionRequest("pause");
    expect(pause.safeParse({ database: "shop", confirm: "pause shop" }).success).toBe(true);
    expect(pause.safeParse({ database: "shop", confirm: "resume shop" }).success).toBe(false);
    expect(pause.safeParse({ database: "shop", confirm: "pause shop " }).success).toBe(false);
    expect(pause.safeParse({ database: "shop" }).success).toBe(false);
  });
});
