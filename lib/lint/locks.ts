// Which table locks a statement takes (PostgreSQL docs "Explicit Locking", ALTER TABLE notes;
// reference: Part B, "Lock levels"). An ALTER TABLE with several subcommands takes the
// strongest lock among them.
import type { AlterTableCmd, Node } from "libpg-query";
import { LOCK_LEVELS, type LockLevel, type TableRef } from "@/lib/schemas/lint";
import { as, refFromNames, strings, tableRef } from "./ast";
import { optionOn } from "./options";

export interface LockUse {
  table: TableRef;
  lock: LockLevel;
  /** The relation is an index (DROP INDEX, REINDEX INDEX), not a table. */
  index?: boolean;
}

export function lockRank(lock: LockLevel): number {
  return LOCK_LEVELS.indexOf(lock);
}

export function stronger(a: LockLevel, b: LockLevel): LockLevel {
  return lockRank(a) >= lockRank(b) ? a : b;
}

/** Locks at or above SHARE conflict with INSERT/UPDATE/DELETE: while waiting they queue traffic. */
export function blocksWrites(lock: LockLevel): boolean {
  return lockRank(lock) >= lockRank("SHARE");
}

// Storage parameters that ALTER TABLE … SET (…) changes under SHARE UPDATE EXCLUSIVE.
const SUE_RELOPTIONS = new Set([
  "fillfactor",
  "parallel_workers",
  "toast_tuple_target",
  "vacuum_index_cleanup",
  "vacuum_truncate",
  "log_autovacuum_min_duration",
]);

const SRE_SUBTYPES = new Set([
  "AT_EnableTrig",
  "AT_EnableAlwaysTrig",
  "AT_EnableReplicaTrig",
  "AT_DisableTrig",
  "AT_EnableTrigAll",
  "AT_DisableTrigAll",
  "AT_EnableTrigUser",
  "AT_DisableTrigUser",
]);

const SUE_SUBTYPES = new Set([
  "AT_ValidateConstraint",
  "AT_SetStatistics",
  "AT_SetOptions",
  "AT_ResetOptions",
  "AT_ClusterOn",
  "AT_DropCluster",
  "AT_DetachPartitionFinalize",
]);

/** The lock one ALTER TABLE subcommand takes on the altered table. */
export function alterCmdLock(cmd: AlterTableCmd, version: number): LockLevel {
  const subtype = cmd.subtype ?? "";
  if (SUE_SUBTYPES.has(subtype)) return "SHARE UPDATE EXCLUSIVE";
  if (SRE_SUBTYPES.has(subtype)) return "SHARE ROW EXCLUSIVE";
  if (subtype === "AT_AddConstraint" && as(cmd.def, "Constraint")?.contype === "CONSTR_FOREIGN") return "SHARE ROW EXCLUSIVE";
  // ATTACH PARTITION's lock on the parent was lowered from ACCESS EXCLUSIVE in PostgreSQL 12.
  if (subtype === "AT_AttachPartition") return version >= 120000 ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE";
  if (subtype === "AT_DetachPartition" && as(cmd.def, "PartitionCmd")?.concurrent) return "SHARE UPDATE EXCLUSIVE";
  if (subtype === "AT_SetRelOptions" || subtype === "AT_ResetRelOptions") {
    const names = (as(cmd.def, "List")?.items ?? []).map((d) => as(d, "DefElem")?.defname ?? "");
    const light = names.every((n) => SUE_RELOPTIONS.has(n) || n.startsWith("autovacuum_") || n.startsWith("toast."));
    return light ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE";
  }
  return "ACCESS EXCLUSIVE";
}

// LockStmt.mode is the lock mode number of lockdefs.h (1 = AccessShareLock … 8 = AccessExclusiveLock).
function lockFromMode(mode: number | undefined): LockLevel {
  return LOCK_LEVELS[(mode ?? 8) - 1] ?? "ACCESS EXCLUSIVE";
}

/** The table locks `node` takes, one entry per relation. */
export function locksOf(node: Node, version: number): LockUse[] {
  const uses: LockUse[] = [];
  const add = (table: TableRef | undefined, lock: LockLevel, index = false) => {
    if (table) uses.push(index ? { table, lock, index } : { table, lock });
  };
  const dml = as(node, "UpdateStmt") ?? as(node, "DeleteStmt") ?? as(node, "InsertStmt") ?? as(node, "MergeStmt");
  if (dml) add(tableRef(dml.relation), "ROW EXCLUSIVE");

  const index = as(node, "IndexStmt");
  if (index) add(tableRef(index.relation), index.concurrent ? "SHARE UPDATE EXCLUSIVE" : "SHARE");

  const alter = as(node, "AlterTableStmt");
  if (alter && (alter.objtype === "OBJECT_TABLE" || alter.objtype === "OBJECT_MATVIEW")) {
    let lock: LockLevel = "ACCESS SHARE";
    for (const c of alter.cmds ?? []) {
      const cmd = as(c, "AlterTableCmd");
      if (!cmd) continue;
      lock = stronger(lock, alterCmdLock(cmd, version));
      const partition = as(cmd.def, "PartitionCmd");
      if (partition) add(tableRef(partition.name), "ACCESS EXCLUSIVE");
      const constraint = as(cmd.def, "Constraint");
      const inline = as(as(cmd.def, "ColumnDef")?.constraints?.find((n) => as(n, "Constraint")?.contype === "CONSTR_FOREIGN"), "Constraint");
      const fk = constraint?.contype === "CONSTR_FOREIGN" ? constraint : inline;
      if (fk) add(tableRef(fk.pktable), "SHARE ROW EXCLUSIVE");
    }
    add(tableRef(alter.relation), lock);
  }

  const drop = as(node, "DropStmt");
  if (drop?.removeType === "OBJECT_TRIGGER" || drop?.removeType === "OBJECT_RULE" || drop?.removeType === "OBJECT_POLICY") {
    // DROP TRIGGER/RULE/POLICY name ON [schema.]table: the table is locked ACCESS EXCLUSIVE.
    for (const o of drop.objects ?? []) add(refFromNames(strings(as(o, "List")?.items).slice(0, -1)), "ACCESS EXCLUSIVE");
  }
  if (drop) {
    const isIndex = drop.removeType === "OBJECT_INDEX";
    if (isIndex || drop.removeType === "OBJECT_TABLE" || drop.removeType === "OBJECT_MATVIEW") {
      for (const o of drop.objects ?? []) {
        const ref = refFromNames(strings(as(o, "List")?.items));
        add(ref, isIndex && drop.concurrent ? "SHARE UPDATE EXCLUSIVE" : "ACCESS EXCLUSIVE", isIndex);
      }
    }
  }

  const rename = as(node, "RenameStmt");
  if (rename?.relation) add(tableRef(rename.relation), "ACCESS EXCLUSIVE", rename.renameType === "OBJECT_INDEX");

  const truncate = as(node, "TruncateStmt");
  for (const r of truncate?.relations ?? []) add(tableRef(as(r, "RangeVar")), "ACCESS EXCLUSIVE");

  const vacuum = as(node, "VacuumStmt");
  if (vacuum) {
    const full = optionOn(vacuum.options, "full");
    for (const r of vacuum.rels ?? []) add(tableRef(as(r, "VacuumRelation")?.relation), full ? "ACCESS EXCLUSIVE" : "SHARE UPDATE EXCLUSIVE");
  }

  const cluster = as(node, "ClusterStmt");
  if (cluster) add(tableRef(cluster.relation), "ACCESS EXCLUSIVE");

  const refresh = as(node, "RefreshMatViewStmt");
  if (refresh) add(tableRef(refresh.relation), refresh.concurrent ? "EXCLUSIVE" : "ACCESS EXCLUSIVE");

  const reindex = as(node, "ReindexStmt");
  if (reindex?.relation) {
    const concurrent = optionOn(reindex.params, "concurrently");
    const onIndex = reindex.kind === "REINDEX_OBJECT_INDEX";
    // Plain REINDEX: SHARE on the table and ACCESS EXCLUSIVE on the index being rebuilt.
    add(tableRef(reindex.relation), concurrent ? "SHARE UPDATE EXCLUSIVE" : onIndex ? "ACCESS EXCLUSIVE" : "SHARE", onIndex);
  }

  const trigger = as(node, "CreateTrigStmt");
  if (trigger) add(tableRef(trigger.relation), "SHARE ROW EXCLUSIVE");

  const lockStmt = as(node, "LockStmt");
  for (const r of lockStmt?.relations ?? []) add(tableRef(as(r, "RangeVar")), lockFromMode(lockStmt?.mode));

  const create = as(node, "CreateStmt");
  if (create) {
    // A new partition locks its parent ACCESS EXCLUSIVE; plain INHERITS takes SHARE UPDATE EXCLUSIVE.
    for (const p of create.inhRelations ?? []) {
      add(tableRef(as(p, "RangeVar")), create.partbound ? "ACCESS EXCLUSIVE" : "SHARE UPDATE EXCLUSIVE");
    }
    // REFERENCES adds the FK's triggers to the referenced table: SHARE ROW EXCLUSIVE on it (measured).
    const constraints = (create.tableElts ?? []).flatMap((e) => [as(e, "Constraint"), ...(as(e, "ColumnDef")?.constraints ?? []).map((c) => as(c, "Constraint"))]);
    for (const c of constraints) if (c?.contype === "CONSTR_FOREIGN") add(tableRef(c.pktable), "SHARE ROW EXCLUSIVE");
  }
  return uses;
}
