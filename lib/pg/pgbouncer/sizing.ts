import "server-only";
import { findServer, servers, type ServerConfig } from "@/lib/config/servers";
import type { ServerLink } from "@/lib/schemas/findings";
import type { BouncerDatabase, Pool, SizingAdvice } from "@/lib/schemas/pgbouncer";
import { cacheKey } from "../cache-keys";
import { cached } from "../cache";
import { read } from "../run";
import type { Queryable } from "../types";
import { coresFromCpuinfo, sizingAdvice, type PostgresSide } from "./sizing-math";
import { logFailure } from "@/lib/log";

// Pool sizing needs the cores of the database host. PostgreSQL has no function for that: the
// servers file may say ("cores": 8), otherwise /proc/cpuinfo is read through pg_read_file where
// the console's role may (superuser or an explicit GRANT EXECUTE) — it counts the host's CPUs, not
// a container's quota, which is why the servers file wins.

const LIMITS = /* sql */ `
  SELECT current_setting('max_connections')::int AS max_connections,
         current_setting('superuser_reserved_connections')::int AS superuser_reserved,
         has_function_privilege('pg_read_file(text)', 'EXECUTE') AS can_read_files`;
const CPUINFO = /* sql */ `SELECT pg_read_file('/proc/cpuinfo') AS cpuinfo`;

async function postgresSide(db: Queryable): Promise<Omit<PostgresSide, "configuredCores">> {
  const r = (await db.query(LIMITS)).rows[0];
  let cores: number | null = null;
  if (r.can_read_files) {
    await db.query("SAVEPOINT pgwarden_cpuinfo");
    try {
      cores = coresFromCpuinfo(String((await db.query(CPUINFO)).rows[0]?.cpuinfo ?? ""));
      await db.query("RELEASE SAVEPOINT pgwarden_cpuinfo");
    } catch {
      // Not Linux, or a path the role may not read (pg_read_server_files): the servers file must say.
      await db.query("ROLLBACK TO SAVEPOINT pgwarden_cpuinfo");
    }
  }
  return { maxConnections: r.max_connections, superuserReserved: r.superuser_reserved, readCores: cores };
}

/** Limits and cores change rarely: read once every five minutes per server. */
function cachedPostgresSide(server: string) {
  return cached(cacheKey({ server }, "pgbouncer-sizing"), () => read({ server }, postgresSide).catch((err) => (logFailure(`PostgreSQL side of PgBouncer sizing on ${server}`)(err), null)));
}

/** PostgreSQL entries that name this PgBouncer. */
export function frontedServers(bouncer: string): ServerConfig[] {
  return servers().filter((s) => s.pgbouncer === bouncer);
}

function hostPort(url: string): string {
  const u = new URL(url);
  const host = u.hostname === "localhost" ? "127.0.0.1" : u.hostname;
  return `${host}:${u.port || "5432"}`;
}

/** Which databases of this PgBouncer go to which fronted server (by host:port when there are several). */
function databasesFor(entry: ServerConfig, all: BouncerDatabase[], fronted: number): BouncerDatabase[] {
  const dbs = all.filter((d) => !d.admin);
  if (fronted === 1) return dbs;
  const target = hostPort(entry.url);
  return dbs.filter((d) => d.host !== null && `${d.host === "localhost" ? "127.0.0.1" : d.host}:${d.port ?? 5432}` === target);
}

export async function sizingFor(bouncer: string, databases: BouncerDatabase[], pools: Pool[]): Promise<SizingAdvice[]> {
  const fronted = frontedServers(bouncer);
  if (!fronted.length) {
    return [sizingAdvice(null, null, databases.filter((d) => !d.admin), pools)];
  }
  return Promise.all(
    fronted.map(async (entry) => {
      const side = await cachedPostgresSide(entry.id);
      const link: ServerLink = { id: entry.id, name: entry.name };
      const pg = side ? { ...side, configuredCores: findServer(entry.id)?.cores ?? null } : null;
      return sizingAdvice(link, pg, databasesFor(entry, databases, fronted.length), pools);
    }),
  );
}
