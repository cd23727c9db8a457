import { z } from "./zod";

// What pgwarden knows about a monitored server and what its role may do there.

export const Capability = z.object({
  id: z.enum([
    "supported_version",
    "read_all_stats",
    "signal_backend",
    "maintain",
    "reserved_connections",
    "pg_stat_statements",
    "pgstattuple",
    "not_superuser",
    "writable",
  ]),
  label: z.string(),
  ok: z.boolean(),
  /** how the console has it (e.g. "via pg_monitor"), or why not */
  detail: z.string(),
  /** the exact statement(s) that would enable it, run by an administrator */
  fix: z.string().nullable(),
  /** what works only with this capability */
  features: z.array(z.string()),
});
export type Capability = z.infer<typeof Capability>;

/** Whether the server is reached through a connection pooler, and whether maintenance jobs may run. */
export const PoolerFacts = z.object({
  /** "pooler" in the servers file */
  declared: z.enum(["pgbouncer"]).nullable(),
  /**
   * transaction: the console saw the backend pid change between two transactions of one client
   * connection (or two clients share one backend); none: each connection kept its backend;
   * unknown: could not check (unreachable)
   */
  detected: z.enum(["transaction", "none", "unknown"]),
  /** what was observed */
  detail: z.string(),
  /** the servers file gives a directUrl (its value never leaves the server) */
  directUrl: z.boolean(),
  /** the directUrl checked the same way */
  directDetected: z.enum(["transaction", "none", "unknown"]).optional(),
  jobs: z.object({
    ok: z.boolean(),
    /** which connection jobs use */
    via: z.enum(["url", "directUrl"]).nullable(),
    reason: z.string().nullable(),
    fix: z.string().nullable(),
  }),
});
export type PoolerFacts = z.infer<typeof PoolerFacts>;

export const ServerInfoResponse = z.object({
  version: z.string(),
  versionNum: z.number(),
  inRecovery: z.boolean(),
  role: z.string(),
  superuser: z.boolean(),
  database: z.string(),
  extensions: z.array(z.object({ name: z.string(), installed: z.string().nullable(), available: z.boolean() })),
  capabilities: z.array(Capability),
  pooler: PoolerFacts,
  readAt: z.number(),
});
export type ServerInfoResponse = z.infer<typeof ServerInfoResponse>;
