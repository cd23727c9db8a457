import "server-only";
import fs from "node:fs";
import { z } from "@/lib/schemas/zod";
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
  let entries: ServerConfig[];
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
