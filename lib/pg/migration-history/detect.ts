import type { TableInfo } from "./catalog";
import type { Catalog, ToolDef } from "./tool";
import * as fixed from "./tools-fixed";
import * as simple from "./tools-simple";
import * as stateful from "./tools-stateful";

// Column set first, name second (reference Part A, "Detection signatures"). Order matters: the
// most specific signatures come first, and a table belongs to the first tool that claims it.
export const TOOLS: ToolDef[] = [
  stateful.sqitch,
  stateful.flyway,
  stateful.liquibase,
  stateful.prisma,
  stateful.sqlx,
  stateful.atlas,
  stateful.pgroll,
  fixed.supabase,
  fixed.graphileMigrate,
  fixed.drizzle,
  fixed.reshape,
  // schema_migrations look-alikes: golang-migrate {version bigint, dirty}, Ecto {version bigint,
  // inserted_at}, Rails {version varchar} + ar_internal_metadata, else "Rails or dbmate".
  stateful.golangMigrate,
  stateful.ecto,
  stateful.goose,
  simple.knex,
  // `migrations` look-alikes: TypeORM {id, timestamp bigint, name} vs Laravel {id, migration, batch}
  simple.laravel,
  simple.typeorm,
  simple.payload,
  simple.nodePgMigrate,
  simple.mikroOrm,
  simple.diesel,
  simple.django,
  simple.kysely,
  simple.sqlMigrate,
  simple.efCore,
  simple.alembic,
  simple.rails,
  simple.dbmate,
  simple.sequelize,
];

export interface Detection {
  def: ToolDef;
  table: TableInfo;
  detectedBy: string;
}

function hasColumns(def: ToolDef, t: TableInfo, checkTypes: boolean): boolean {
  for (const [name, test] of Object.entries(def.columns ?? {})) {
    const c = t.columns.get(name);
    if (!c || (checkTypes && !test(c.type))) return false;
  }
  return true;
}

function onlyKnownColumns(def: ToolDef, t: TableInfo): boolean {
  const known = new Set([...Object.keys(def.columns ?? {}), ...(def.optional ?? [])]);
  return [...t.columns.keys()].every((c) => known.has(c));
}

function describeSet(def: ToolDef): string {
  return `column set {${Object.keys(def.columns ?? {}).join(", ")}}`;
}

/** Why `t` is `def`'s history table, or null when it is not. */
export function matchTool(def: ToolDef, t: TableInfo, cat: Catalog): string | null {
  // A tool's own schema identifies it; the column names are still checked so the read can run.
  if (def.fixed && t.schema === def.fixed.schema && t.name === def.fixed.table && hasColumns(def, t, false)) {
    return `fixed schema ${def.fixed.schema}`;
  }
  if (!def.columns || !hasColumns(def, t, true)) return null;
  if (def.exact && !onlyKnownColumns(def, t)) return null;
  if (def.nameHint && !def.nameHint.test(t.name)) return null;
  if (!def.also) return describeSet(def);
  const extra = def.also(t, cat);
  return extra ? `${describeSet(def)} + ${extra}` : null;
}

export function catalogOf(tables: TableInfo[]): Catalog {
  const byKey = new Map(tables.map((t) => [`${t.schema}\u0000${t.name}`, t]));
  return {
    table: (schema, name) => byKey.get(`${schema}\u0000${name}`),
    inSchema: (schema) => tables.filter((t) => t.schema === schema),
  };
}

/** Every table that is some tool's migration history, sorted by schema and table name. */
export function detectMigrationTables(tables: TableInfo[]): Detection[] {
  const cat = catalogOf(tables);
  const found: Detection[] = [];
  for (const table of tables) {
    for (const def of TOOLS) {
      const detectedBy = matchTool(def, table, cat);
      if (detectedBy) {
        found.push({ def, table, detectedBy });
        break;
      }
    }
  }
  return found.sort((a, b) => a.table.schema.localeCompare(b.table.schema) || a.table.name.localeCompare(b.table.name));
}
