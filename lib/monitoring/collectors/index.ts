import "server-only";
import type { Collector } from "../collector";
import { coreCollector } from "./core";
import { databaseSizesCollector } from "./database-sizes";
import { healthCollector } from "./health";
import { statementsCollector } from "./statements";

/** Every collector the sampler runs; add a line here for a new one. */
export const COLLECTORS: readonly Collector[] = [coreCollector as Collector, databaseSizesCollector as Collector, statementsCollector as Collector, healthCollector as Collector];
