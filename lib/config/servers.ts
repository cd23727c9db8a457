import "server-only";
import fs from "node:fs";
import { z } from "zod";
import { env } from "./env";

// The registry is the allow-list: the browser names a server by id, never by host or URL.
const PostgresUrl = z.string().refine((u) => /^postgres(ql)?:\/\//.test(u), "must be a postgres:// or postgresql:// URL");

const ServerEntry = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "ids are lower-case letters, digits, '-' and '_' (max 63)"),
  name: z.string().min(1).max(100),
  url: PostgresUrl,
  /**
   * `url` goes through a connection pooler. Reads work through it (SET LOCAL only); maintenance
   * jobs never do: they need one session from start to end (lib/pg/job-connection.ts).
   */
  pooler: z.enum(["pgbouncer"]).optional(),
  /** The PostgreSQL server itself, bypassing the pooler: maintenance jobs, their progress and cancel. */
  directUrl: PostgresUrl.optional(),
});
const ServersFile = z.array(ServerEntry).min(1, "lists no servers");

export type ServerConfig = z.infer<typeof ServerEntry>;

let registry: Map<string, ServerConfig> | undefined;

function describeIssues(error: z.ZodError, where: string): string {
  // Never echo the values: a URL may carry a password.
  return error.issues.map((i) => `  ${where}${i.path.length ? `[${i.path.join(".")}]` : ""}: ${i.message}`).join("\n");
}

function loadRegistry(): Map<string, ServerConfig> {
  const { DATABASE_URL, PGWARDEN_SERVERS } = env();
  let entries: ServerConfig[];
  if (PGWARDEN_SERVERS) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(PGWARDEN_SERVERS, "utf8"));
    } catch (err) {
      throw new Error(`pgwarden: cannot read servers file ${PGWARDEN_SERVERS}: ${(err as Error).message}`);
    }
    const parsed = ServersFile.safeParse(raw);
    if (!parsed.success) {
      throw new Error(`pgwarden: servers file ${PGWARDEN_SERVERS} is invalid\n${describeIssues(parsed.error, "servers")}`);
    }
    entries = parsed.data;
  } else if (DATABASE_URL) {
    const parsed = ServerEntry.safeParse({ id: "default", name: "default", url: DATABASE_URL });
    if (!parsed.success) throw new Error(`pgwarden: DATABASE_URL is invalid\n${describeIssues(parsed.error, "DATABASE_URL")}`);
    entries = [parsed.data];
  } else {
    throw new Error("pgwarden: no servers configured. Set DATABASE_URL, or PGWARDEN_SERVERS to a JSON file of {id, name, url}.");
  }
  const ids = new Set<string>();
  for (const e of entries) {
    if (ids.has(e.id)) throw new Error(`pgwarden: servers file lists id "${e.id}" twice`);
    ids.add(e.id);
  }
  return new Map(entries.map((e) => [e.id, e]));
}

export function servers(): ServerConfig[] {
  registry ??= loadRegistry();
  return [...registry.values()];
}

export function findServer(id: string): ServerConfig | undefined {
  registry ??= loadRegistry();
  return registry.get(id);
}

/** Tests swap the registry between cases. */
export function resetServerRegistry() {
  registry = undefined;
}
