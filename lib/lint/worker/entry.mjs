// Worker thread entry of the migration linter (started by ./pool.ts). A plain .mjs file, so Node
// loads it as it is wherever the console runs: under `next start` (the app itself is bundled by
// Turbopack, this file is not), in vitest and under tsx. It compiles the linter's TypeScript with
// tsx's scoped loader (tsx is a runtime dependency), so lintSql here is the same code the CLI runs.
import { parentPort } from "node:worker_threads";
import { tsImport } from "tsx/esm/api";

const { lintSql } = await tsImport("../index.ts", import.meta.url);
// Warm up (WASM parser, rule modules) before saying ready: the time limit then measures linting.
await lintSql("SELECT 1;", {});

parentPort.on("message", async (job) => {
  try {
    parentPort.postMessage({ id: job.id, ok: true, result: await lintSql(job.sql, job.options) });
  } catch (err) {
    parentPort.postMessage({ id: job.id, ok: false, name: err?.name ?? "Error", stack: String(err?.stack ?? err) });
  }
});
parentPort.postMessage({ ready: true });
