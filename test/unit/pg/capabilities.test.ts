// The Server page's capability rows: "Reserved connection slots" (what it recommends on 16+, before
// 16, and for a superuser console) and "Supported PostgreSQL version" (14+, 13 past its end of life, older).
import { describe, expect, it } from "vitest";
import { inReservedRange } from "@/lib/pg/connection-facts";
import { capabilities, type ServerFacts } from "@/lib/pg/server-facts";

const facts = (over: Partial<Omit<ServerFacts, "member">> & { member?: Partial<ServerFacts["member"]> } = {}): ServerFacts => ({
  versionNum: 180004,
  version: "18.4",
  inRecovery: false,
  role: "pgwarden",
  database: "postgres",
  superuser: false,
  reservedConnections: 0,
  superuserReservedConnections: 3,
  extensions: [],
  statementsReadable: false,
  ...over,
  member: { pg_monitor: true, pg_read_all_stats: true, pg_stat_scan_tables: true, pg_signal_backend: true, pg_maintain: true, pg_use_reserved_connections: false, ...over.member },
});
const reserved = (f: ServerFacts) => capabilities(f).find((c) => c.id === "reserved_connections")!;

describe("reserved connection slots", () => {
  it("16+, nothing reserved and no grant: both statements", () => {
    const c = reserved(facts());
    expect(c.ok).toBe(false);
    expect(c.detail).toContain("lacks pg_use_reserved_connections");
    expect(c.fix).toBe('ALTER SYSTEM SET reserved_connections = 3;  -- then restart PostgreSQL\nGRANT pg_use_reserved_connections TO "pgwarden";');
  });
  it("16+, slots reserved but the role lacks the grant: only the GRANT", () => {
    const c = reserved(facts({ reservedConnections: 2 }));
    expect(c.ok).toBe(false);
    expect(c.fix).toBe('GRANT pg_use_reserved_connections TO "pgwarden";');
  });
  it("16+, reserved and granted: ok, and says the role has it", () => {
    const c = reserved(facts({ reservedConnections: 2, member: { pg_use_reserved_connections: true } }));
    expect(c.ok).toBe(true);
    expect(c.fix).toBeNull();
    expect(c.detail).toBe("reserved_connections = 2; the console's role has pg_use_reserved_connections");
  });
  it("before 16: not available to non-superusers, with what to do after an upgrade", () => {
    const c = reserved(facts({ versionNum: 140023, reservedConnections: null }));
    expect(c.ok).toBe(false);
    expect(c.detail).toContain("PostgreSQL 14 has no reserved_connections (new in PostgreSQL 16)");
    expect(c.detail).toContain("superuser_reserved_connections = 3");
    expect(c.fix).toContain("GRANT pg_use_reserved_connections");
  });
  it("a superuser console: uses at most one of the superuser slots", () => {
    const c = reserved(facts({ superuser: true }));
    expect(c.ok).toBe(true);
    expect(c.detail).toContain("uses at most one of them");
  });
});

describe("inReservedRange: a new connection took a slot only privileged roles may use", () => {
  const f = { versionNum: 180004, role: "r", superuser: true, maxConnections: 20, superuserReserved: 2, reserved: 2 };
  it.each([
    [15, false],
    [16, false],
    [17, true], // a reserved_connections slot
    [19, true], // a superuser slot
  ])("%i client backends → %s", (clientBackends, expected) => {
    expect(inReservedRange({ ...f, clientBackends })).toBe(expected);
  });
  it("before 16 only the superuser reserve counts", () => {
    expect(inReservedRange({ ...f, reserved: 0, clientBackends: 18 })).toBe(false);
    expect(inReservedRange({ ...f, reserved: 0, clientBackends: 19 })).toBe(true);
  });
});

describe("supported version", () => {
  const version = (f: ServerFacts) => capabilities(f).find((c) => c.id === "supported_version")!;
  it("14 and later: ok, with the version", () => {
    expect(version(facts({ versionNum: 140023, version: "14.23" }))).toMatchObject({ ok: true, detail: "PostgreSQL 14.23", fix: null });
  });
  it("13: read, but past its end of life, naming the figures it cannot give", () => {
    const c = version(facts({ versionNum: 130023, version: "13.23" }));
    expect(c.ok).toBe(false);
    expect(c.detail).toContain("end of life");
    expect(c.detail).toContain("pg_locks.waitstart");
    expect(c.fix).toContain("upgrade");
  });
  it("12 and older: not supported", () => {
    expect(version(facts({ versionNum: 120022, version: "12.22" })).detail).toBe("PostgreSQL 12.22 is not supported: pages that read catalog columns added since may fail");
  });
});
