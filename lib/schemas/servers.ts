import { z } from "./zod";
import { DatabaseName } from "./common";

export const ServerSummary = z.object({
  id: z.string(),
  name: z.string(),
  // --- operations (issue 14): PgBouncer entries and the link from a PostgreSQL entry to its PgBouncer ---
  kind: z.enum(["postgres", "pgbouncer"]).default("postgres"),
  pgbouncer: z.string().nullable().default(null),
});
export const ServersResponse = z.object({ servers: z.array(ServerSummary) });
export type ServersResponse = z.infer<typeof ServersResponse>;

export const DatabasesResponse = z.object({
  /** names only: sizes are on the Space page (lib/pg/databases.ts says why) */
  databases: z.array(z.object({ name: z.string() })),
  readAt: z.number(),
});
export type DatabasesResponse = z.infer<typeof DatabasesResponse>;

/** `?db=` on per-database routes; absent means the server's default database. */
export const DatabaseQuery = z.object({ db: DatabaseName.optional() });
