import { escapeIdentifier, escapeLiteral } from "pg";
import type { MaintenanceRequest } from "@/lib/schemas/maintenance";
import { exactBloatStatement, ExactBloatRefusal } from "./exact-bloat";

// Builds the one maintenance statement from a validated request and the relation as the catalog
// names it. Pure: unit-tested. Identifiers are the catalog's nspname/relname quoted with
// escapeIdentifier; option values are enums and bounded numbers from the zod allow-list, and the
// one string value (BUFFER_USAGE_LIMIT) is also quoted as a literal, as a second line of defence.

export interface CatalogRelation {
  oid: number;
  schema: string;
  name: string;
  /** pg_class.relkind */
  kind: string;
  /** for bloat_exact: the index's access method and where pgstattuple is installed */
  am?: string | null;
  pgstattupleSchema?: string | null;
  blockSize?: number;
}

export class MaintenanceRefusal extends Error {}

const TABLE_KINDS = new Set(["r", "m", "p", "t"]);
const INDEX_KINDS = new Set(["i", "I"]);

interface Feature {
  since: number;
  what: string;
}
const F = {
  skipLocked: { since: 120000, what: "SKIP_LOCKED" },
  indexCleanup: { since: 120000, what: "INDEX_CLEANUP" },
  indexCleanupAuto: { since: 140000, what: "INDEX_CLEANUP AUTO" },
  truncate: { since: 120000, what: "TRUNCATE false" },
  parallel: { since: 130000, what: "PARALLEL" },
  bufferUsageLimit: { since: 160000, what: "BUFFER_USAGE_LIMIT" },
  reindexConcurrently: { since: 120000, what: "REINDEX CONCURRENTLY" },
} satisfies Record<string, Feature>;

function need(version: number, f: Feature) {
  if (version < f.since) {
    throw new MaintenanceRefusal(`${f.what} needs PostgreSQL ${Math.floor(f.since / 10000)} or later; this server is ${Math.floor(version / 10000)}.`);
  }
}

export function qualified(rel: CatalogRelation): string {
  return `${escapeIdentifier(rel.schema)}.${escapeIdentifier(rel.name)}`;
}

function optionList(req: MaintenanceRequest, version: number): string[] {
  const out: string[] = [];
  if (req.kind === "vacuum_full") out.push("FULL");
  if (req.kind === "vacuum_analyze") out.push("ANALYZE");
  const o = req.options as Record<string, unknown>;
  if (o.verbose === true) out.push("VERBOSE");
  if (o.skipLocked === true) {
    need(version, F.skipLocked);
    out.push("SKIP_LOCKED");
  }
  if (req.kind === "vacuum" || req.kind === "vacuum_analyze") {
    const v = req.options;
    if (v.indexCleanup !== undefined) {
      need(version, v.indexCleanup === "auto" ? F.indexCleanupAuto : F.indexCleanup);
      out.push(`INDEX_CLEANUP ${({ auto: "AUTO", on: "ON", off: "OFF" } as const)[v.indexCleanup]}`);
    }
    if (v.parallel !== undefined) {
      need(version, F.parallel);
      out.push(`PARALLEL ${Math.trunc(v.parallel)}`);
    }
    if (v.truncate === false) {
      need(version, F.truncate);
      out.push("TRUNCATE false");
    }
  }
  if ((req.kind === "vacuum" || req.kind === "vacuum_analyze" || req.kind === "analyze") && req.options.bufferUsageLimit !== undefined) {
    need(version, F.bufferUsageLimit);
    out.push(`BUFFER_USAGE_LIMIT ${escapeLiteral(req.options.bufferUsageLimit)}`);
  }
  return out;
}

/** The statement for `req` on `rel`, or a MaintenanceRefusal saying why it cannot be run. */
export function maintenanceStatement(req: MaintenanceRequest, rel: CatalogRelation, version: number): string {
  if (req.kind === "bloat_exact") {
    try {
      return exactBloatStatement({ ...rel, am: rel.am ?? null, pgstattupleSchema: rel.pgstattupleSchema ?? null, blockSize: rel.blockSize ?? 8192 });
    } catch (err) {
      if (err instanceof ExactBloatRefusal) throw new MaintenanceRefusal(err.message);
      throw err;
    }
  }
  const isIndexJob = req.kind === "reindex_index";
  if (isIndexJob ? !INDEX_KINDS.has(rel.kind) : !TABLE_KINDS.has(rel.kind)) {
    throw new MaintenanceRefusal(`${rel.schema}.${rel.name} is not ${isIndexJob ? "an index" : "a table or materialized view"}.`);
  }
  const opts = optionList(req, version);
  const paren = opts.length ? ` (${opts.join(", ")})` : "";
  switch (req.kind) {
    case "vacuum":
    case "vacuum_analyze":
    case "vacuum_full":
      return `VACUUM${paren} ${qualified(rel)}`;
    case "analyze":
      return `ANALYZE${paren} ${qualified(rel)}`;
    case "reindex_index":
    case "reindex_table":
      need(version, F.reindexConcurrently);
      return `REINDEX${paren} ${req.kind === "reindex_index" ? "INDEX" : "TABLE"} CONCURRENTLY ${qualified(rel)}`;
  }
}

/** The table-level lock each command waits for, and the modes that conflict with it (lmgr docs). */
const SHARE_UPDATE_EXCLUSIVE_CONFLICTS = [
  "ShareUpdateExclusiveLock",
  "ShareLock",
  "ShareRowExclusiveLock",
  "ExclusiveLock",
  "AccessExclusiveLock",
];
const ACCESS_EXCLUSIVE_CONFLICTS = [
  "AccessShareLock",
  "RowShareLock",
  "RowExclusiveLock",
  ...SHARE_UPDATE_EXCLUSIVE_CONFLICTS,
];

export function conflictingLockModes(kind: MaintenanceRequest["kind"]): string[] {
  // pgstattuple reads under ACCESS SHARE: only ACCESS EXCLUSIVE (held or queued) stops it.
  if (kind === "bloat_exact") return ["AccessExclusiveLock"];
  return kind === "vacuum_full" ? ACCESS_EXCLUSIVE_CONFLICTS : SHARE_UPDATE_EXCLUSIVE_CONFLICTS;
}
