// Options of utility statements — VACUUM (FULL false), REINDEX (CONCURRENTLY off), CLUSTER (VERBOSE) —
// are DefElems whose value PostgreSQL reads with defGetBoolean: no value, true, on and 1 turn the
// option on; false, off and 0 turn it off (anything else is an error, so the server never runs it).
import type { Node } from "libpg-query";
import { as } from "./ast";

function isOn(arg: Node | undefined): boolean {
  if (!arg) return true;
  const int = as(arg, "Integer");
  // Zero is left out of libpg_query's JSON: {"Integer": {}} is 0.
  if (int) return (int.ival ?? 0) !== 0;
  const bool = as(arg, "Boolean");
  if (bool) return bool.boolval === true;
  const text = as(arg, "String")?.sval?.toLowerCase();
  return text !== "false" && text !== "off";
}

/** Whether option `name` (lower case, as the parser stores it) is given and turned on. */
export function optionOn(options: Node[] | undefined, name: string): boolean {
  let on = false;
  // A repeated option is an error in PostgreSQL; the last one decides here.
  for (const o of options ?? []) {
    const d = as(o, "DefElem");
    if (d?.defname === name) on = isOn(d.arg);
  }
  return on;
}
