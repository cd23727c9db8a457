import { z } from "./zod";

// What pgwarden knows about a monitored server and what its role may do there.

export const Capability = z.object({
  id: z.enum([
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

export const ServerInfoResponse = z.object({
  version: z.string(),
  versionNum: z.number(),
  inRecovery: z.boolean(),
  role: z.string(),
  superuser: z.boolean(),
  database: z.string(),
  extensions: z.array(z.object({ name: z.string(), installed: z.string().nullable(), available: z.boolean() })),
  capabilities: z.array(Capability),
  readAt: z.number(),
});
export type ServerInfoResponse = z.infer<typeof ServerInfoResponse>;
