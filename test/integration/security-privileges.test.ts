// D1/D9: what the console's role can do, with the exact GRANT for each gap, on both versions.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connect, freshDatabase, pgServers } from "../helpers/pg";
import { capabilities, serverFacts } from "@/lib/pg/server-facts";

async function factsAs(url: string) {
  const c = await connect(url);
  try {
    await c.query("BEGIN READ ONLY");
    return await serverFacts(c);
  } finally {
    await c.query("ROLLBACK").catch(() => {});
    await c.end();
  }
}

describe.each(pgServers())("PG $major", (s) => {
  const role = `sec_priv_role_${s.major}`;
  let dbUrl: string;
  let limitedUrl: string;

  beforeAll(async () => {
    dbUrl = await freshDatabase(s.url, `sec_priv_db_${s.major}`);
    const admin = await connect(dbUrl);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'limited-pw'`);
    await admin.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await admin.end();
    const u = new URL(dbUrl);
    u.username = role;
    u.password = "limited-pw";
    limitedUrl = u.toString();
  });
  afterAll(async () => {
    const admin = await connect(s.url);
    await admin.query(`DROP DATABASE IF EXISTS sec_priv_db_${s.major} WITH (FORCE)`).catch(() => {});
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  test("a superuser: everything available, flagged as not least-privilege", async () => {
    const f = await factsAs(dbUrl);
    expect(Math.floor(f.versionNum / 10000)).toBe(s.major);
    expect(f.inRecovery).toBe(false);
    expect(f.superuser).toBe(true);
    expect(f.statementsReadable).toBe(true);
    const caps = Object.fromEntries(capabilities(f).map((c) => [c.id, c]));
    expect(caps.read_all_stats?.ok).toBe(true);
    expect(caps.not_superuser).toMatchObject({ ok: false });
    expect(caps.not_superuser?.fix).toContain("NOSUPERUSER");
    expect(caps.pgstattuple).toMatchObject({ ok: false, fix: expect.stringContaining("CREATE EXTENSION pgstattuple") });
  });

  test("a plain role: each gap with its exact GRANT; granting fixes it", async () => {
    const quoted = pg.escapeIdentifier(role);
    let caps = Object.fromEntries(capabilities(await factsAs(limitedUrl)).map((c) => [c.id, c]));
    expect(caps.read_all_stats).toMatchObject({ ok: false, fix: `GRANT pg_monitor TO ${quoted};` });
    expect(caps.signal_backend).toMatchObject({ ok: false, fix: `GRANT pg_signal_backend TO ${quoted};` });
    expect(caps.maintain?.ok).toBe(false);
    expect(caps.maintain?.fix).toContain(s.major >= 17 ? "GRANT pg_maintain" : "pg_maintain needs PostgreSQL 17");
    expect(caps.reserved_connections?.ok).toBe(false);
    if (s.major >= 16) expect(caps.reserved_connections?.fix).toContain(`GRANT pg_use_reserved_connections TO ${quoted};`);
    else expect(caps.reserved_connections?.detail).toContain("PostgreSQL 16");
    expect(caps.not_superuser?.ok).toBe(true);

    // Apply the suggested statements (as an administrator would) and look again.
    const admin = await connect(dbUrl);
    await admin.query(caps.read_all_stats!.fix!);
    await admin.query(caps.signal_backend!.fix!);
    if (s.major >= 17) await admin.query(caps.maintain!.fix!);
    await admin.end();
    caps = Object.fromEntries(capabilities(await factsAs(limitedUrl)).map((c) => [c.id, c]));
    expect(caps.read_all_stats).toMatchObject({ ok: true, detail: "via pg_monitor", fix: null });
    expect(caps.signal_backend?.ok).toBe(true);
    expect(caps.maintain?.ok).toBe(s.major >= 17);
    expect(caps.pg_stat_statements?.ok).toBe(true);
  });
});
