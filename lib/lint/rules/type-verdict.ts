// The verdict on one ALTER COLUMN … TYPE: the type-change table (type-change.ts) applied to what
// is known of the column — its old type, indexes and CHECKs, from this file or the catalog.
import type { TypeSpec, Work } from "@/lib/schemas/lint";
import type { ColumnInfo, Knowledge } from "../knowledge";
import { freeSources, isBuiltinType, typeChangeCost } from "../type-change";

export type Verdict =
  /** Known: the change costs `work` (none: catalog only, no finding). */
  | { certain: true; work: Work; why: string }
  /** Not known: free only under `conditions`; otherwise a rewrite. */
  | { certain: false; conditions: string[]; rewriteOtherwise: boolean };

interface Change {
  to: TypeSpec;
  version: number;
  /** USING with anything but the column itself (or the column cast to the new type). */
  using: boolean;
  collate: boolean;
  /** An earlier SET TimeZone chose UTC. */
  utc: boolean;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Follows a domain to its base type; undefined when the type is unknown to the linter. */
function resolve(type: TypeSpec, knowledge: Knowledge): { spec: TypeSpec; domainChecks: boolean } | undefined {
  if (isBuiltinType(type.name) || type.name === "citext" || type.array) return { spec: type, domainChecks: false };
  const info = knowledge.type(type.name);
  if (!info) return undefined;
  if (info.kind !== "domain" || !info.base) return { spec: type, domainChecks: false };
  return { spec: info.base, domainChecks: info.hasChecks };
}

export function typeVerdict(change: Change, column: ColumnInfo | undefined, knowledge: Knowledge): Verdict {
  if (change.using) return { certain: true, work: "rewrite", why: "USING computes a new value for every row" };
  const to = resolve(change.to, knowledge);
  if (to?.domainChecks) return { certain: true, work: "rewrite", why: `the domain ${change.to.name} has CHECK constraints, which are checked row by row` };
  if (!to) {
    return { certain: false, conditions: [`${change.to.name} is a domain without CHECK constraints over the column's current type`], rewriteOtherwise: true };
  }
  const from = column?.type ? resolve(column.type, knowledge)?.spec : undefined;
  if (!from) {
    const sources = freeSources(to.spec, change.version);
    if (sources.length === 0) return { certain: true, work: "rewrite", why: `no other type converts to ${change.to.name} without rewriting` };
    const conditions = sources.map((s) => {
      const extra = [s.cost === "index" || change.collate ? "its indexes are rebuilt" : "", s.utcOnly ? "the session's TimeZone is UTC" : ""].filter(Boolean);
      return `${s.from}${extra.length ? ` (${extra.join("; ")})` : ""}`;
    });
    return { certain: false, conditions: [`the column is ${conditions.join(", or ")} today`, "it has no CHECK constraint (each is re-checked: a full scan)"], rewriteOtherwise: true };
  }
  const cost = typeChangeCost(from, to.spec, change.version);
  if (cost.cost === "rewrite") return { certain: true, work: "rewrite", why: `${from.name} to ${to.spec.name} is not a binary-compatible change` };
  if (cost.utcOnly && !change.utc) {
    return { certain: false, conditions: ["the migration's session runs with TimeZone = 'UTC' (SET TimeZone = 'UTC' first)"], rewriteOtherwise: true };
  }
  const rebuild = cost.cost === "index" || change.collate;
  const conditions: string[] = [];
  if (rebuild && column?.indexes === undefined) conditions.push("no index uses the column (each is rebuilt)");
  if (column?.checks === undefined) conditions.push("no CHECK constraint uses the column (each is re-checked: a full scan)");
  if (conditions.length) return { certain: false, conditions, rewriteOtherwise: false };
  if (rebuild && (column?.indexes ?? 0) > 0) return { certain: true, work: "build", why: `no rewrite, but its ${plural(column?.indexes ?? 0, "index")} ${column?.indexes === 1 ? "is" : "are"} rebuilt (another operator class or collation)` };
  if ((column?.checks ?? 0) > 0) return { certain: true, work: "scan", why: `no rewrite, but its ${plural(column?.checks ?? 0, "CHECK constraint")} ${column?.checks === 1 ? "is" : "are"} re-checked on every row` };
  return { certain: true, work: "none", why: "a binary-compatible change: only the catalog is updated" };
}
