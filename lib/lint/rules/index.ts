import { backfillInDdlTx } from "./backfill";
import { columnTypeRules } from "./column-type";
import { columnRules } from "./columns";
import { constraintRules } from "./constraints";
import { destructiveRules } from "./destructive";
import { dynamicRules } from "./dynamic";
import { hygieneRules } from "./hygiene";
import { indexRules } from "./indexes";
import { notNullRules } from "./not-null";
import { rewriteRules } from "./rewrites";
import type { Rule } from "./rule";
import { tableRules } from "./tables";
import { timeoutRules } from "./timeouts";

/** Every rule, in the order findings for one statement are listed. */
export const RULES: readonly Rule[] = [
  ...indexRules,
  ...columnRules,
  ...columnTypeRules,
  ...notNullRules,
  ...constraintRules,
  ...destructiveRules,
  ...tableRules,
  ...rewriteRules,
  backfillInDdlTx,
  ...timeoutRules,
  ...dynamicRules,
  ...hygieneRules,
];

export type { Rule } from "./rule";
