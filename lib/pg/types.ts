import type pg from "pg";

/**
 * Anything that can run a parameterised query: a pool, a pooled client or a plain client.
 * Area functions in lib/pg take one of these so they can be tested on a plain client and run
 * through the coalesced pool in the app.
 */
export type Queryable = Pick<pg.ClientBase, "query">;
