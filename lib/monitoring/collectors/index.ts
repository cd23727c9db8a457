import "server-only";
import type { AnyCollector, Collector } from "../collector";
import { coreCollector } from "./core";
import { databaseSizesCollector } from "./database-sizes";
import { healthCollector } from "./health";
import { pgbouncerPoolsCollector } from "./pgbouncer-pools";
import { statementsCollector } from "./statements";

/** Every collector the sampler runs; add a line here for a new one. */
export const COLLECTORS: readonly AnyCollector[] = [
  coreCollector as Collector,
  databaseSizesCollector as Collector,
  statementsCollector as Collector,
  healthCollector as Collector,
  pgbouncerPoolsCollector as AnyCollector,
];
