// No "server-only" marker: the demo launcher and the e2e setup call provisionStore outside Next.
import pg from "pg";
import { scramMatches, scramVerifier } from "@/lib/embedded/scram";

// The store's roles. The schema owner runs migrations and owns every table; the console logs in
// as a non-superuser that only holds what pgwarden_store_app is granted (audit_log: SELECT and
// INSERT), so it can neither rewrite the audit log nor disable its trigger (that needs ownership).
// provisionStore() sets this up as a superuser: the embedded store, the demo and the tests.
// External stores get the same roles from the DBA (README, "The console's own database").

export const STORE_OWNER_ROLE = "pgwarden_store_owner";
export const STORE_APP_ROLE = "pgwarden_store_app";

/** The same settings on another database (pg lets a connection string win over `database`). */
function onDatabase(config: pg.ClientConfig, database: string): pg.ClientConfig {
  if (!config.connectionString) return { ...config, database };
  const u = new URL(config.connectionString);
  u.pathname = `/${encodeURIComponent(database)}`;
  return { ...config, connectionString: u.toString() };
}

async function withClient<T>(config: pg.ClientConfig, database: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...onDatabase(config, database), application_name: "pgwarden-store-setup" });
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => {});
  }
}

const ROLE_STATE = /* sql */ `
  SELECT rolcanlogin, rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls AS privileged, rolpassword
    FROM pg_authid WHERE rolname = $1`;
const ROLE_FLAGS = "NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

/**
 * Creates the role, or brings an existing one to the given flags and password. Idempotent, and
 * it changes nothing that is already right (parallel callers would otherwise race on pg_authid).
 */
async function ensureRole(c: pg.Client, name: string, password: string | undefined): Promise<void> {
  const login = password === undefined ? "NOLOGIN" : `LOGIN PASSWORD ${c.escapeLiteral(scramVerifier(password))}`;
  const role = pg.escapeIdentifier(name);
  const state = async () => (await c.query(ROLE_STATE, [name])).rows[0];
  let r = await state();
  if (!r) {
    try {
      await c.query(`CREATE ROLE ${role} ${ROLE_FLAGS} ${login}`);
      return;
    } catch (err) {
      // Another store database in this cluster (a parallel test, a second replica) made it just now.
      if (!["42710", "23505"].includes((err as { code?: string }).code ?? "")) throw err;
      r = await state();
    }
  }
  const right = !r.privileged && (password === undefined ? !r.rolcanlogin : r.rolcanlogin && scramMatches(r.rolpassword, password));
  if (!right) await c.query(`ALTER ROLE ${role} ${ROLE_FLAGS} ${login}`);
}

// Objects a superuser created in a store made by an earlier pgwarden (everything owned by the
// bootstrap superuser): handed to the owner role, so that later migrations can alter them.
const FOREIGN_OWNED = /* sql */ `
  SELECT format('ALTER %s %s OWNER TO %I',
                CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                c.oid::regclass, $1::text) AS stmt
    FROM pg_class c
   WHERE c.relnamespace = 'public'::regnamespace
     AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
     AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $1)
     -- identity and serial sequences follow their table
     AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i'))
  UNION ALL
  SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, $1::text)
    FROM pg_proc p
   WHERE p.pronamespace = 'public'::regnamespace
     AND p.proowner <> (SELECT oid FROM pg_roles WHERE rolname = $1)`;

export interface StoreProvision {
  /** the store database's name */
  database: string;
  /** the console's login (pgwarden_store_app) */
  appPassword: string;
  /** undefined: the owner is NOLOGIN and migrations run as a superuser with SET ROLE (embedded store) */
  ownerPassword?: string;
}

/**
 * As a superuser: the owner and app roles, the store database owned by the owner, and (for a
 * store made by an earlier pgwarden) its objects handed over to the owner. Safe on every start.
 */
export async function provisionStore(superuser: pg.ClientConfig, p: StoreProvision): Promise<void> {
  const owner = pg.escapeIdentifier(STORE_OWNER_ROLE);
  const db = pg.escapeIdentifier(p.database);
  await withClient(superuser, "postgres", async (c) => {
    await ensureRole(c, STORE_OWNER_ROLE, p.ownerPassword);
    await ensureRole(c, STORE_APP_ROLE, p.appPassword);
    const { rows } = await c.query(
      /* sql */ `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1`,
      [p.database],
    );
    if (!rows[0]) {
      await c.query(`CREATE DATABASE ${db} OWNER ${owner}`).catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // created concurrently
      });
    } else if (rows[0].owner !== STORE_OWNER_ROLE) {
      await c.query(`ALTER DATABASE ${db} OWNER TO ${owner}`);
    }
    // Nobody but the owner connects to create objects; the app role connects and reads.
    await c.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${pg.escapeIdentifier(STORE_APP_ROLE)}`);
  });
  await withClient(superuser, p.database, async (c) => {
    // Before PostgreSQL 15 every role may CREATE in public; only the owner should.
    await c.query(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
    await c.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${owner}`);
    for (const { stmt } of (await c.query(FOREIGN_OWNED, [STORE_OWNER_ROLE])).rows) await c.query(stmt);
  });
}

/** Why the console's store login is unsafe or unusable (it must be neither superuser nor owner). */
export interface StoreLoginCheck {
  user: string;
  superuser: boolean;
  ownsAuditLog: boolean;
  canWriteAudit: boolean;
  canRewriteAudit: boolean;
}

const LOGIN_CHECK = /* sql */ `
  SELECT r.rolname AS user, r.rolsuper AS superuser,
         coalesce((SELECT pg_has_role(session_user, c.relowner, 'MEMBER') FROM pg_class c WHERE c.oid = to_regclass('public.audit_log')), false) AS owns_audit_log,
         coalesce(has_table_privilege(session_user, to_regclass('public.audit_log'), 'INSERT'), false) AS can_write_audit,
         coalesce(has_table_privilege(session_user, to_regclass('public.audit_log'), 'UPDATE, DELETE, TRUNCATE'), false) AS can_rewrite_audit
    FROM pg_roles r WHERE r.rolname = session_user`;

export async function checkStoreLogin(db: Pick<pg.ClientBase, "query">): Promise<StoreLoginCheck> {
  const { rows } = await db.query(LOGIN_CHECK);
  const r = rows[0];
  return {
    user: r.user,
    superuser: r.superuser,
    ownsAuditLog: r.owns_audit_log,
    canWriteAudit: r.can_write_audit,
    canRewriteAudit: r.can_rewrite_audit,
  };
}
