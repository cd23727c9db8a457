// Hygiene: not outages, but choices that cost later (types, names, idempotence, domains).
import type { ColumnDef, Constraint } from "libpg-query";
import type { Severity, TableRef } from "@/lib/schemas/lint";
import { as, baseTypeName, displayName, strings, tableRef, typmods } from "../ast";
import type { RuleId } from "../severities";
import { ident, parenthesizedAfter } from "../sql";
import { constraintsOf, type Rule, type RuleContext } from "./rule";

interface DeclaredColumn {
  col: ColumnDef;
  table: TableRef;
  constraints: Constraint[];
  /** Named in a table-level PRIMARY KEY (…) of the same CREATE TABLE. */
  inPrimaryKey: boolean;
}

/** Columns whose type this statement declares: CREATE TABLE, ADD COLUMN, ALTER COLUMN TYPE. */
function declaredColumns(ctx: RuleContext): DeclaredColumn[] {
  const out: DeclaredColumn[] = [];
  const create = as(ctx.stmt.node, "CreateStmt");
  const created = tableRef(create?.relation);
  if (create && created) {
    const elts = create.tableElts ?? [];
    const pk = new Set(constraintsOf(elts).filter((c) => c.contype === "CONSTR_PRIMARY").flatMap((c) => strings(c.keys)));
    for (const n of elts) {
      const col = as(n, "ColumnDef");
      if (col) out.push({ col, table: created, constraints: constraintsOf(col.constraints), inPrimaryKey: pk.has(col.colname ?? "") });
    }
  }
  const alter = as(ctx.stmt.node, "AlterTableStmt");
  const altered = tableRef(alter?.relation);
  if (alter?.objtype === "OBJECT_TABLE" && altered) {
    for (const c of alter.cmds ?? []) {
      const cmd = as(c, "AlterTableCmd");
      const col = as(cmd?.def, "ColumnDef");
      if (!col || (cmd?.subtype !== "AT_AddColumn" && cmd?.subtype !== "AT_AlterColumnType")) continue;
      out.push({ col: { ...col, colname: col.colname ?? cmd.name }, table: altered, constraints: constraintsOf(col.constraints), inPrimaryKey: false });
    }
  }
  return out;
}

function typeRule(id: RuleId, title: string, pick: (d: DeclaredColumn) => { severity?: Severity; message: string; why: string; fix: string } | undefined): Rule {
  return {
    id,
    title,
    check(ctx) {
      for (const d of declaredColumns(ctx)) {
        const hit = pick(d);
        if (!hit) continue;
        ctx.report({
          ...(hit.severity ? { severity: hit.severity } : {}),
          message: `${displayName(d.table)}.${d.col.colname}: ${hit.message}`,
          lock: null,
          work: "none",
          tables: [d.table],
          why: hit.why,
          recipe: { summary: hit.fix, steps: [] },
          at: d.col.location,
        });
      }
    },
  };
}

const preferJsonb = typeRule("prefer-jsonb", "json column: prefer jsonb", (d) =>
  baseTypeName(d.col.typeName) === "json"
    ? { message: "json", why: "json stores the text as is: no equality operator (SELECT DISTINCT, GROUP BY, UNION fail), no GIN indexing, reparsed on every access.", fix: "Use jsonb." }
    : undefined,
);

const preferTimestamptz = typeRule("prefer-timestamptz", "timestamp without time zone: prefer timestamptz", (d) =>
  baseTypeName(d.col.typeName) === "timestamp"
    ? { message: "timestamp without time zone", why: "The value carries no time zone: every client interprets it in its own zone, and DST changes make times ambiguous.", fix: "Use timestamptz (it stores an instant; it is displayed in the session's TimeZone)." }
    : undefined,
);

const preferText = typeRule("prefer-text", "char(n) / varchar(n): prefer text (with a CHECK if a limit matters)", (d) => {
  const type = baseTypeName(d.col.typeName);
  if (type === "bpchar") {
    return { message: "char(n)", why: "char(n) pads with spaces and compares ignoring them, surprising every client; it is no faster than text.", fix: "Use text (or varchar) and a CHECK on length if it matters." };
  }
  if (type === "varchar" && typmods(d.col.typeName).length > 0) {
    return { severity: "info", message: `varchar(${typmods(d.col.typeName)[0]})`, why: "Shrinking the limit later rewrites the table; the limit is often a guess. Lengthening it is free.", fix: "Prefer text with a CHECK (length(col) <= n): a CHECK can be changed NOT VALID without a rewrite." };
  }
  return undefined;
});

const SMALL_INTS = new Set(["int4", "int2", "serial", "serial4", "smallserial", "serial2"]);

const preferBigintId = typeRule("prefer-bigint-id", "integer key or identity column: prefer bigint", (d) => {
  const type = baseTypeName(d.col.typeName);
  const key = d.inPrimaryKey || d.constraints.some((c) => c.contype === "CONSTR_PRIMARY" || c.contype === "CONSTR_IDENTITY") || type.startsWith("serial") || type === "smallserial";
  return key && SMALL_INTS.has(type)
    ? { message: `${type} key`, why: "An integer sequence runs out at 2,147,483,647; switching a busy key column to bigint later is a full rewrite of the table and of every referencing column.", fix: "Use bigint (bigint GENERATED ALWAYS AS IDENTITY)." }
    : undefined;
});

const NAME_DEFINING = new Set(["CreateStmt", "IndexStmt", "AlterTableStmt", "RenameStmt", "CreateTableAsStmt", "ViewStmt", "CreateSeqStmt", "CreateSchemaStmt", "CreateTrigStmt", "CreateDomainStmt", "CreateEnumStmt"]);

const identifierTooLong: Rule = {
  id: "identifier-too-long",
  title: "Identifier longer than 63 bytes is silently truncated",
  check(ctx) {
    if (!NAME_DEFINING.has(Object.keys(ctx.stmt.node)[0] ?? "")) return;
    for (const t of ctx.stmt.tokens()) {
      if (t.kind !== "IDENT") continue;
      const quoted = t.text.startsWith('"');
      const name = quoted ? t.text.slice(1, -1).split('""').join('"') : t.text.toLowerCase();
      const bytes = Buffer.byteLength(name, "utf8");
      if (bytes <= 63) continue;
      ctx.report({
        message: `Identifier of ${bytes} bytes is truncated to 63: ${name.slice(0, 40)}…`,
        lock: null,
        work: "none",
        tables: [],
        why: "PostgreSQL cuts identifiers to 63 bytes (NAMEDATALEN − 1) with only a NOTICE: two long names can collide, and tools comparing names see a different one.",
        recipe: { summary: "Use a name of at most 63 bytes.", steps: [] },
      });
    }
  },
};

const unqualifiedName: Rule = {
  id: "unqualified-name",
  title: "Unqualified table names depend on the search_path",
  check(ctx) {
    const created = tableRef(as(ctx.stmt.node, "CreateStmt")?.relation);
    const temp = as(ctx.stmt.node, "CreateStmt")?.relation?.relpersistence === "t";
    const tables = [...(created && !temp ? [created] : []), ...ctx.locks.map((u) => u.table)];
    const bare = tables.find((t) => !t.schema);
    if (!bare || !ctx.state.once("unqualified-name")) return;
    ctx.report({
      message: `Unqualified name ${bare.name} (reported once per file)`,
      lock: null,
      work: "none",
      tables: [bare],
      why: "The name resolves through the session's search_path, which differs between psql, the migration tool, and roles with their own settings: the same file can touch a different table.",
      recipe: { summary: "Qualify names with their schema (public.orders), or SET search_path at the top of the file.", steps: [] },
    });
  },
};

function notRerunnable(ctx: RuleContext): { what: string; severity?: Severity } | undefined {
  const node = ctx.stmt.node;
  const create = as(node, "CreateStmt");
  if (create && !create.if_not_exists && create.relation?.relpersistence !== "t") return { what: "CREATE TABLE without IF NOT EXISTS" };
  const idx = as(node, "IndexStmt");
  if (idx && !idx.if_not_exists) {
    // A failed concurrent build leaves an INVALID index behind with the same name.
    return idx.concurrent ? { what: "CREATE INDEX CONCURRENTLY without IF NOT EXISTS", severity: "warning" } : { what: "CREATE INDEX without IF NOT EXISTS" };
  }
  const drop = as(node, "DropStmt");
  if (drop && !drop.missing_ok && (drop.removeType === "OBJECT_TABLE" || drop.removeType === "OBJECT_INDEX")) return { what: "DROP without IF EXISTS" };
  for (const c of as(node, "AlterTableStmt")?.cmds ?? []) {
    const cmd = as(c, "AlterTableCmd");
    if (cmd?.subtype === "AT_AddColumn" && !cmd.missing_ok) return { what: "ADD COLUMN without IF NOT EXISTS" };
    if (cmd?.subtype === "AT_DropColumn" && !cmd.missing_ok) return { what: "DROP COLUMN without IF EXISTS" };
  }
  return undefined;
}

const preferRobustStmts: Rule = {
  id: "prefer-robust-stmts",
  title: "Statements outside a transaction should be safe to re-run",
  check(ctx) {
    if (ctx.inBlock) return;
    const hit = notRerunnable(ctx);
    if (!hit) return;
    ctx.report({
      ...(hit.severity ? { severity: hit.severity } : {}),
      message: `${hit.what} outside a transaction`,
      lock: null,
      work: "none",
      tables: [],
      why: "Outside a transaction each statement commits on its own; if the migration fails halfway, re-running it stops at the first statement that already took effect.",
      recipe: { summary: "Write IF NOT EXISTS / IF EXISTS so a re-run continues where it stopped (and for CONCURRENTLY builds, drop an INVALID leftover first).", steps: [] },
    });
  },
};

const domainCheck: Rule = {
  id: "domain-check",
  title: "CHECK constraints on domains are hard to change later",
  check(ctx) {
    const create = as(ctx.stmt.node, "CreateDomainStmt");
    if (!constraintsOf(create?.constraints).some((c) => c.contype === "CONSTR_CHECK")) return;
    ctx.report({
      message: `CHECK on domain ${strings(create?.domainname).join(".")}`,
      lock: null,
      work: "none",
      tables: [],
      why: "Every table using the domain inherits the CHECK; changing it later means ALTER DOMAIN, which scans every such column while blocking writes, and adding a column of this type to an existing table rewrites it.",
      recipe: { summary: "Put CHECK constraints on the tables (they can be added NOT VALID and validated without blocking).", steps: [] },
    });
  },
};

// ALTER DOMAIN … ADD CONSTRAINT (without NOT VALID) and SET NOT NULL check every column of every
// table that uses the domain, holding SHARE on each (typecmds.c, validateDomainCheckConstraint).
const domainAddCheck: Rule = {
  id: "domain-add-check",
  title: "ALTER DOMAIN … ADD CHECK / SET NOT NULL scans every table using the domain while blocking its writes",
  check(ctx) {
    const alter = as(ctx.stmt.node, "AlterDomainStmt");
    const added = alter?.subtype === "C" ? as(alter.def, "Constraint") : undefined;
    const setNotNull = alter?.subtype === "O";
    if (!setNotNull && !(added?.contype === "CONSTR_CHECK" && !added.skip_validation)) return;
    const name = strings(alter?.typeName).join(".");
    const sqlName = strings(alter?.typeName).map(ident).join(".");
    const conname = added?.conname ? ident(added.conname) : "<name>";
    const body = parenthesizedAfter(ctx.stmt, ctx.source.text, "check", ctx.stmt.start) ?? "…";
    ctx.report({
      message: setNotNull ? `ALTER DOMAIN ${name} SET NOT NULL checks every column using it` : `CHECK added to domain ${name} is validated on every column using it`,
      lock: "SHARE",
      work: "scan",
      tables: [],
      why: "PostgreSQL checks every row of every table with a column of this domain, holding a SHARE lock on each table for the whole check: writes to all of them wait. The linter cannot tell which tables those are.",
      recipe: {
        summary: setNotNull ? "Check the columns with table constraints instead (NOT VALID, then VALIDATE), or run it in a quiet period." : "Add the domain CHECK NOT VALID (new values are checked at once), and validate it in a quiet period.",
        steps: setNotNull
          ? [{ text: "Find the columns using the domain (pg_attribute.atttypid = the domain's OID) and make each NOT NULL safely (see set-not-null)." }]
          : [
              { text: "Add without checking existing values:", sql: `ALTER DOMAIN ${sqlName} ADD CONSTRAINT ${conname} CHECK (${body}) NOT VALID;` },
              { text: "Later, when writes can wait for the scan of every using table:", sql: `ALTER DOMAIN ${sqlName} VALIDATE CONSTRAINT ${conname};` },
            ],
      },
    });
  },
};

export const hygieneRules: Rule[] = [preferJsonb, preferTimestamptz, preferText, preferBigintId, identifierTooLong, unqualifiedName, preferRobustStmts, domainCheck, domainAddCheck];
