// A console process for the orphan tests, run as `node --conditions=react-server --import tsx`
// (one process, so SIGKILL really kills it): the real job queue and worker, configured by the
// same environment as the test (PGWARDEN_STORE_URL, PGWARDEN_SERVERS). With `queue SERVER DB RELID
// USER_ID USER_NAME` it queues a VACUUM through lib/jobs/queue.ts and prints {"job": id}; with
// `worker` it only runs the worker, as a restarted console does. It runs until it is killed.
import { queueJobs } from "@/lib/jobs/queue";
import { ensureJobWorker } from "@/lib/jobs/worker";
import { requestAudit } from "@/lib/store/audit";

async function main() {
  const [mode, server, db, relid, userId, userName] = process.argv.slice(2);
  if (mode === "queue") {
    const { jobs } = await queueJobs(
      server!,
      db,
      { command: "vacuum", relids: [Number(relid)], lockTimeoutMs: 3_000, options: {} },
      requestAudit({ user: { id: Number(userId), name: userName! }, role: "operator", client: null, server: server!, action: "vacuum" }),
    );
    process.stdout.write(`${JSON.stringify({ job: jobs[0]!.id, pid: process.pid })}\n`);
  } else {
    ensureJobWorker();
    process.stdout.write(`${JSON.stringify({ worker: process.pid })}\n`);
  }
  setInterval(() => {}, 1 << 30); // the worker's timer is unref'd: stay up until killed
}

main().catch((err) => {
  process.stderr.write(`job-console: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
