/**
 * One value per process, whichever bundle loads the calling module. `next start` loads server
 * modules once per bundle — each page, each route handler, instrumentation — so module-level
 * state is not shared between them: the Tables page kept a size snapshot of its own beside the
 * API's (every page's first render measured a provisional page again, and the whole database was
 * measured twice), a job's "forget these relations" reached only the worker's copy. State that
 * must be one per process is kept here, under a name of its own.
 */
export function processWide<T>(name: string, init: () => T): T {
  const slots = globalThis as unknown as Record<symbol, unknown>;
  const key = Symbol.for(`pgwarden.${name}`);
  if (!(key in slots)) slots[key] = init();
  return slots[key] as T;
}
