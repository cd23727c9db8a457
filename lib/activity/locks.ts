import { qualifiedName } from "@/lib/names";
import type { SessionLock } from "@/lib/schemas/locks";

/** What a lock is on, in words a DBA reads in pg_locks terms: a relation by its quoted name, a transaction by its id. */
export function lockTarget(l: SessionLock): string {
  const rel = l.relation !== null ? qualifiedName(l.schema, l.relation) : l.relationOid !== null ? `relation OID ${l.relationOid}${l.database ? ` in ${l.database}` : ""}` : "?";
  switch (l.locktype) {
    case "relation":
      return rel;
    case "extend":
      return `${rel} (extending it)`;
    case "page":
      return `${rel} page ${l.page}`;
    case "tuple":
      return `${rel} row (${l.page},${l.tuple})`;
    case "transactionid":
      return `transaction ${l.transactionid}`;
    case "virtualxid":
      return `virtual transaction ${l.virtualxid}`;
    case "advisory":
      // objsubid 1: one bigint key split over classid (high) and objid (low); 2: two int4 keys.
      return l.objsubid === 1 && l.classid !== null && l.objid !== null
        ? `advisory lock ${(BigInt(l.classid) << 32n) | BigInt(l.objid)}`
        : `advisory lock (${l.classid}, ${l.objid})`;
    default:
      return `${l.locktype}${l.classid !== null ? ` ${l.classid}/${l.objid}` : ""}`;
  }
}
