// Pool sizing advice (pure). The rule of thumb from the operations guide: the number of
// connections that keep a server busy is about cores × 2 + effective spindles (SSD ≈ 1); more
// active connections add contention, not throughput. In transaction mode every pool (database ×
// user) may open up to pool_size + reserve_pool server connections, capped per database by
// max_db_connections.
import type { ServerLink } from "@/lib/schemas/findings";
import type { BouncerDatabase, Pool, SizingAdvice } from "@/lib/schemas/pgbouncer";

export interface PostgresSide {
  maxConnections: number;
  superuserReserved: number;
  /** from the servers file */
  configuredCores: number | null;
  /** from /proc/cpuinfo on the database host */
  readCores: number | null;
}

export const SPINDLES = 1;

/** Linux /proc/cpuinfo: one "processor : N" line per logical CPU. */
export function coresFromCpuinfo(text: string): number | null {
  const n = (text.match(/^processor\s*:/gm) ?? []).length;
  return n > 0 ? n : null;
}

/** The most server connections the pools of these databases may open. */
export function configuredMaxConnections(databases: BouncerDatabase[], pools: Pool[]): number {
  let total = 0;
  for (const d of databases) {
    // At least one pool per database: its first client creates it.
    const users = Math.max(1, pools.filter((p) => p.database === d.name).length);
    const perDb = users * ((d.poolSize ?? 0) + (d.reservePool ?? 0));
    total += d.maxConnections ? Math.min(perDb, d.maxConnections) : perDb;
  }
  return total;
}

export function sizingAdvice(server: ServerLink | null, pg: PostgresSide | null, databases: BouncerDatabase[], pools: Pool[]): SizingAdvice {
  const configuredMax = configuredMaxConnections(databases, pools);
  if (!server) {
    return {
      server: null,
      cores: null,
      coresSource: null,
      recommendedActive: null,
      configuredMax,
      postgresLimit: null,
      advice: [`The pools may open up to ${configuredMax} server connections.`],
      needed: 'Name this PgBouncer in the PostgreSQL entry it fronts ("pgbouncer": "<this id>" in the servers file) to compare its pools with the server\'s cores and max_connections.',
    };
  }
  if (!pg) {
    return {
      server,
      cores: null,
      coresSource: null,
      recommendedActive: null,
      configuredMax,
      postgresLimit: null,
      advice: [`The pools may open up to ${configuredMax} server connections to ${server.name}.`],
      needed: `${server.name} did not answer; the advice needs its max_connections and cores.`,
    };
  }
  const cores = pg.configuredCores ?? pg.readCores;
  const coresSource = pg.configuredCores !== null ? "servers_file" : pg.readCores !== null ? "server" : null;
  const postgresLimit = pg.maxConnections - pg.superuserReserved;
  const recommendedActive = cores === null ? null : cores * 2 + SPINDLES;
  const advice: string[] = [];
  if (recommendedActive !== null) {
    advice.push(
      `${server.name} has ${cores} cores${coresSource === "server" ? " (from /proc/cpuinfo on its host)" : ""}: about ${cores} × 2 + ${SPINDLES} = ${recommendedActive} active connections keep it busy; more add contention, not throughput.`,
    );
    if (configuredMax > recommendedActive * 2) {
      advice.push(
        `The pools may open ${configuredMax} server connections, over twice that: in transaction mode a smaller default_pool_size (around ${Math.max(1, Math.round(recommendedActive / Math.max(1, databases.length)))} per database) usually serves the same clients with less contention; clients wait in PgBouncer instead of in PostgreSQL's lock and CPU queues.`,
      );
    } else {
      advice.push(`The pools may open ${configuredMax} server connections: in line with the cores.`);
    }
  }
  if (configuredMax > postgresLimit) {
    advice.push(
      `PostgreSQL allows ${postgresLimit} connections (max_connections ${pg.maxConnections} − ${pg.superuserReserved} reserved) but the pools may open ${configuredMax}: under load PgBouncer hits "too many clients" instead of queueing. Lower the pool sizes or set max_db_connections.`,
    );
  }
  return {
    server,
    cores,
    coresSource,
    recommendedActive,
    configuredMax,
    postgresLimit,
    advice,
    needed:
      cores === null
        ? `Add "cores": <CPU count of the database host> to the servers-file entry of ${server.id} (the console's role cannot read /proc/cpuinfo there).`
        : null,
  };
}
