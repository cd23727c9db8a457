import "server-only";
import fs from "node:fs";
import { z } from "@/lib/schemas/zod";
import { env } from "./env";

// The registry is the allow-list: the browser names a server by id, never by host or URL.
const ServerId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "ids are lower-case letters, digits, '-' and '_' (max 63)");
const PostgresUrl = z.string().refine((u) => /^postgres(ql)?:\/\//.test(u), "must be a postgres:// or postgresql:// URL");

const ServerEntry = z.object({
  id: ServerId,
  name: z.string().min(1).max(100),
  url: PostgresUrl,
  /**
   * `url` goes through a connection pooler. Reads work through it (SET LOCAL only); maintenance
   * jobs never do: they need one session from start to end (lib/pg/job-connection.ts).
   */
  pooler: z.enum(["pgbouncer"]).optional(),
  /** The PostgreSQL server itself, bypassing the pooler: maintenance jobs, their progress and cancel. */
  directUrl: PostgresUrl.optional(),
  // --- begin: operations (issue 14) ---
  kind: z.literal("postgres").optional(),
  /** id of the PgBouncer entry in front of this server: the two pages link to each other */
  pgbouncer: ServerId.optional(),
  /** CPU cores of the database host, for pool sizing advice (read from the server when omitted and permitted) */
  cores: z.number().int().min(1).max(4096).optional(),
  // --- end: operations (issue 14) ---
});

export type ServerConfig = z.infer<typeof ServerEntry>;

// --- begin: operations (issue 14) — PgBouncer entries ---
/**
 * A PgBouncer: `url` points at its admin console (database `pgbouncer`) as a user listed in
 * stats_users (reads) and, for PAUSE/RESUME/RECONNECT, in admin_users.
 */
const PgbouncerEntry = z.object({
  id: ServerId,
  name: z.string().min(1).max(100),
  kind: z.literal("pgbouncer"),
  url: PostgresUrl.refine((u) => {
    try {
      return decodeURIComponent(new URL(u).pathname.slice(1)) === "pgbouncer";
    } catch {
      return false;
    }
  }, "must name the admin console database: postgres://user:password@host:port/pgbouncer"),
});
export type PgbouncerConfig = z.infer<typeof PgbouncerEntry>;

const AnyEntry = z.unknown().transform((v, ctx) => {
  const schema = (v as { kind?: unknown } | null)?.kind === "pgbouncer" ? PgbouncerEntry : ServerEntry;
  const parsed = schema.safeParse(v);
  if (!parsed.success) {
    for (const i of parsed.error.issues) ctx.addIssue({ code: "custom", path: i.path, message: i.message });
    return z.NEVER;
  }
  return parsed.data as ServerConfig | PgbouncerConfig;
});
const ServersFile = z.array(AnyEntry).min(1, "lists no servers");

let bouncers: Map<string, PgbouncerConfig> | undefined;

/** Splits PgBouncer entries from PostgreSQL servers; a PostgreSQL entry's `pgbouncer` link must name one. */
function splitEntries(all: (ServerConfig | PgbouncerConfig)[]): ServerConfig[] {
  bouncers = new Map(all.filter((e): e is PgbouncerConfig => e.kind === "pgbouncer").map((e) => [e.id, e]));
  const postgres = all.filter((e): e is ServerConfig => e.kind !== "pgbouncer");
  for (const e of postgres) {
    if (e.pgbouncer !== undefined && !bouncers.has(e.pgbouncer)) {
      throw new Error(`pgwarden: server "${e.id}" names pgbouncer "${e.pgbouncer}", which is not a "kind": "pgbouncer" entry of the servers file`);
    }
  }
  return postgres;
}
// --- end: operations (issue 14) ---

let registry: Map<string, ServerConfig> | undefined;

function describeIssues(error: z.ZodError, where: string): string {
  // Never echo the values: a URL may carry a password. Paths read like servers[2].url.
  const at = (path: PropertyKey[]) => path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return error.issues.map((i) => `  ${where}${at(i.path)}: ${i.message}`).join("\n");
}

// Messages about the servers file name the variable, the field and the problem. Never the file's
// path or content: both are shown to people, and the content holds passwords (JSON.parse's own
// message quotes the text around the error).
const FILE = "the servers file (PGWARDEN_SERVERS)";

function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "does not exist";
  if (code === "EACCES" || code === "EPERM") return "cannot be read (permission denied)";
  if (code === "EISDIR") return "is a directory, not a file";
  return `cannot be read (${typeof code === "string" && /^E[A-Z]+$/.test(code) ? code : "I/O error"})`;
}

/** Where JSON.parse stopped, as line and column, computed here from the offset only. */
function jsonProblem(text: string, err: unknown): string {
  const m = /position (\d+)/.exec((err as Error).message ?? "");
  if (!m) return "is not valid JSON";
  const offset = Math.min(Number(m[1]), text.length);
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `is not valid JSON (line ${line}, column ${column})`;
}

function readServersFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new Error(`pgwarden: ${FILE} ${readProblem(err)}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`pgwarden: ${FILE} ${jsonProblem(text, err)}`);
  }
}

function loadRegistry(): Map<string, ServerConfig> {
  const { DATABASE_URL, PGWARDEN_SERVERS } = env();
  let entries: (ServerConfig | PgbouncerConfig)[];
  if (PGWARDEN_SERVERS) {
    const parsed = ServersFile.safeParse(readServersFile(PGWARDEN_SERVERS));
    if (!parsed.success) {
      throw new Error(`pgwarden: ${FILE} is invalid\n${describeIssues(parsed.error, "servers")}`);
    }
    entries = parsed.data;
  } else if (DATABASE_URL) {
    const parsed = ServerEntry.safeParse({ id: "default", name: "default", url: DATABASE_URL });
    if (!parsed.success) throw new Error(`pgwarden: DATABASE_URL is invalid\n${describeIssues(parsed.error, "DATABASE_URL")}`);
    entries = [parsed.data];
  } else {
    throw new Error("pgwarden: no servers configured. Set DATABASE_URL, or PGWARDEN_SERVERS to a JSON file of {id, name, url}.");
  }
  const first = new Map<string, number>();
  entries.forEach((e, i) => {
    const earlier = first.get(e.id);
    if (earlier !== undefined) throw new Error(`pgwarden: ${FILE} is invalid\n  servers[${i}].id: the same id as servers[${earlier}].id`);
    first.set(e.id, i);
  });
  return new Map(splitEntries(entries).map((e) => [e.id, e]));
}

export function servers(): ServerConfig[] {
  registry ??= loadRegistry();
  return [...registry.values()];
}

export function findServer(id: string): ServerConfig | undefined {
  registry ??= loadRegistry();
  return registry.get(id);
}

// --- begin: operations (issue 14) ---
/** PgBouncer entries (never returned by servers()/findServer(): those are PostgreSQL servers). */
export function pgbouncers(): PgbouncerConfig[] {
  registry ??= loadRegistry();
  return [...bouncers!.values()];
}

export function findPgbouncer(id: string): PgbouncerConfig | undefined {
  registry ??= loadRegistry();
  return bouncers!.get(id);
}
// --- end: operations (issue 14) ---

/** Tests swap the registry between cases. */
export function resetServerRegistry() {
  registry = undefined;
  bouncers = undefined;
}
