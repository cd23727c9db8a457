// Shared helpers for integration tests: fresh databases, extra sessions, and waiting on real state.
import pg from "pg";
import { inject } from "vitest";

export type PgServer = { major: number; url: string; port: number };

/** The PostgreSQL servers started by test/integration/global-setup.ts (18 and 14). */
export function pgServers(): PgServer[] {
  return inject("pgServers");
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** A session a test opened and has not ended yet: its server's port and its backend pid. */
export type OpenSession = { port: number; pid: number };

/** Sessions opened since the current test began (set by test/integration/leaked-sessions.ts). */
let openedInTest: Set<OpenSession> | null = null;

/** Starts recording the sessions connect() opens; they leave the set when they end. */
export function recordOpenedSessions(): Set<OpenSession> {
  openedInTest = new Set();
  return openedInTest;
}

/** Opens a client that the caller must end(); `application_name` marks test sessions. */
export async function connect(url: string, applicationName = "pgwarden-test"): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  client.on("error", () => {}); // a terminated test session must not crash the runner
  await client.connect();
  const opened = openedInTest;
  if (opened) {
    const session = { port: Number(new URL(url).port || 5432), pid: (client as unknown as { processID: number }).processID };
    opened.add(session);
    client.once("end", () => opened.delete(session));
  }
  return client;
}

/** Creates (or re-creates) a database and returns its URL. Names must be unique per test file. */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = await connect(serverUrl);
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`); // PG 12 and older lack FORCE
    });
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return withDatabase(serverUrl, name);
}

/** Polls `probe` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Fire-and-forget a statement on `client`; errors (cancel/terminate) are captured, not thrown. */
export function runInBackground(client: pg.Client, sql: string): Promise<{ error?: Error & { code?: string } }> {
  return client.query(sql).then(
    () => ({}),
    (error: Error & { code?: string }) => ({ error }),
  );
}

/** Waits until pg_stat_activity shows a session of `applicationName` in `state` (default active). */
export async function waitForSession(
  observerUrl: string,
  applicationName: string,
  opts: { state?: string; waiting?: boolean } = {},
): Promise<{ pid: number; backend_start: Date }> {
  const observer = await connect(observerUrl, "pgwarden-test-observer");
  try {
    return await waitFor(async () => {
      const { rows } = await observer.query(
        `SELECT pid, backend_start FROM pg_stat_activity
          WHERE application_name = $1 AND state = $2
            AND ($3::bool IS NULL OR (wait_event_type = 'Lock') = $3)`,
        [applicationName, opts.state ?? "active", opts.waiting ?? null],
      );
      return rows[0] as { pid: number; backend_start: Date } | undefined;
    }, `session ${applicationName} in state ${opts.state ?? "active"}`);
  } finally {
    await observer.end();
  }
}
