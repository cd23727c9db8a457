"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { LABEL_OF, useQueueJobs } from "@/lib/queries/jobs";
import { VACUUM_FULL_CONFIRMATION, type JobCommand } from "@/lib/schemas/jobs";
import { RelationUsersList } from "./relation-users";

export interface JobPlan {
  command: Exclude<JobCommand, "bloat_exact">;
  relations: { oid: number; name: string }[];
}

const WHAT: Record<JobPlan["command"], string> = {
  vacuum: "Removes dead rows so their space can be reused, and updates the visibility map. Takes SHARE UPDATE EXCLUSIVE: reads and writes go on; DDL and other VACUUMs of the table wait.",
  vacuum_analyze: "VACUUM, then refreshes the planner's statistics. Takes SHARE UPDATE EXCLUSIVE: reads and writes go on; DDL and other VACUUMs of the table wait.",
  analyze: "Refreshes the planner's statistics from a sample of rows. Takes SHARE UPDATE EXCLUSIVE: reads and writes go on.",
  reindex_index: "Builds a fresh copy of the index next to the old one, then swaps them (CONCURRENTLY: reads and writes go on). If it fails, an invalid *_ccnew index is left behind to drop.",
  reindex_table: "Rebuilds every index of the table, one at a time, CONCURRENTLY: reads and writes go on. If it fails, an invalid *_ccnew index is left behind to drop.",
  vacuum_full: "",
};

const box = "rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700";

/** Shows exactly what will run, with allow-listed options; VACUUM FULL adds the lock warning and a typed confirmation. */
export function JobDialog({ server, db, plan, onClose }: { server: string; db: string | undefined; plan: JobPlan | null; onClose: () => void }) {
  const m = useQueueJobs(server, db);
  const [verbose, setVerbose] = useState(false);
  const [skipLocked, setSkipLocked] = useState(false);
  const [indexCleanup, setIndexCleanup] = useState<"" | "auto" | "on" | "off">("");
  const [lockTimeoutMs, setLockTimeoutMs] = useState(3_000);
  const [typed, setTyped] = useState("");
  const run = (p: JobPlan) => {
    const options: Record<string, unknown> = {};
    if (verbose) options.verbose = true;
    if (skipLocked && !p.command.startsWith("reindex")) options.skipLocked = true;
    if (indexCleanup && p.command.startsWith("vacuum") && p.command !== "vacuum_full") options.indexCleanup = indexCleanup;
    const body: Record<string, unknown> = { relids: p.relations.map((r) => r.oid), lockTimeoutMs, options };
    if (p.command === "vacuum_full") body.confirm = typed;
    m.mutate({ command: p.command, body });
  };
  const close = () => {
    setTyped("");
    m.reset();
    onClose();
  };
  if (!plan) return null;
  const full = plan.command === "vacuum_full";
  const label = LABEL_OF[plan.command];
  const ready = !full || typed === VACUUM_FULL_CONFIRMATION;
  return (
    <Dialog open onClose={close} title={`${label} — ${plan.relations.length} relation${plan.relations.length > 1 ? "s" : ""} on ${server}${db ? ` / ${db}` : ""}`}>
      {full ? (
        <div role="alert" className="mb-2 rounded bg-red-50 p-2 text-sm text-red-900 dark:bg-red-950/40 dark:text-red-200" data-testid="vacuum-full-warning">
          VACUUM FULL takes an <b>ACCESS EXCLUSIVE</b> lock: every read and write of the table waits until it has rewritten the whole table and its indexes,
          and it needs free disk space for the new copy. It first waits (up to the lock timeout) for the sessions below to finish with the table.
        </div>
      ) : (
        <p className="mb-2 text-sm">{WHAT[plan.command]}</p>
      )}
      <ul className="mb-2 max-h-40 overflow-auto font-mono text-xs" data-testid="job-relations">
        {plan.relations.map((r) => (
          <li key={r.oid}>{r.name}</li>
        ))}
      </ul>
      {full && plan.relations.slice(0, 5).map((r) => <RelationUsersList key={r.oid} server={server} db={db} relid={r.oid} />)}
      {!m.data && (
        <fieldset className="mb-3 flex flex-wrap items-center gap-3 text-sm">
          <legend className="sr-only">Options</legend>
          <label className="flex items-center gap-1">
            <input type="checkbox" checked={verbose} onChange={(e) => setVerbose(e.target.checked)} /> VERBOSE
          </label>
          {!plan.command.startsWith("reindex") && (
            <label className="flex items-center gap-1" title="skip a table whose lock is not free at once instead of waiting">
              <input type="checkbox" checked={skipLocked} onChange={(e) => setSkipLocked(e.target.checked)} /> SKIP_LOCKED
            </label>
          )}
          {(plan.command === "vacuum" || plan.command === "vacuum_analyze") && (
            <label className="flex items-center gap-1">
              INDEX_CLEANUP
              <select aria-label="INDEX_CLEANUP" value={indexCleanup} onChange={(e) => setIndexCleanup(e.target.value as typeof indexCleanup)} className={box}>
                <option value="">default</option>
                <option value="auto">AUTO</option>
                <option value="on">ON</option>
                <option value="off">OFF</option>
              </select>
            </label>
          )}
          <label className="flex items-center gap-1" title="give up rather than queue behind a session holding a conflicting lock (and block everyone behind)">
            lock timeout (ms)
            <input type="number" min={100} max={60_000} step={100} value={lockTimeoutMs} onChange={(e) => setLockTimeoutMs(Number(e.target.value))} className={`${box} w-24`} />
          </label>
        </fieldset>
      )}
      {m.isError && (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-300">
          {m.error.message}
        </p>
      )}
      {m.data && (
        <p className="mb-2 text-sm" role="status" data-testid="job-queued">
          Queued job{m.data.jobs.length > 1 ? "s" : ""} {m.data.jobs.map((j) => `#${j.id}`).join(", ")}
          {m.data.jobs.some((j) => j.outcome === "refused") ? ` — refused: ${m.data.jobs[0]!.message}` : ". Progress shows in the jobs list."}
        </p>
      )}
      {!m.data && full && (
        <label className="mb-3 block text-sm">
          Type <b>{VACUUM_FULL_CONFIRMATION}</b> to confirm:{" "}
          <input aria-label="type vacuum full to confirm" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} className={`ml-1 ${box}`} />
        </label>
      )}
      <div className="flex justify-end gap-2">
        <Button onClick={close}>{m.data ? "Close" : "Back"}</Button>
        {!m.data && (
          <Button variant={full ? "danger" : "primary"} disabled={!ready || m.isPending} onClick={() => run(plan)}>
            {m.isPending ? "Queueing…" : `Run ${label}`}
          </Button>
        )}
      </div>
    </Dialog>
  );
}
