"use client";
import { Badge } from "@/components/ui/badge";
import type { PoolerFacts as Facts } from "@/lib/schemas/server-info";

// What a connection pooler in front of the server means for the console: reads work through it,
// maintenance jobs do not (they need one session from start to end).

const DETECTED = {
  transaction: { tone: "yellow", text: "transaction pooling detected" },
  none: { tone: "green", text: "direct (no transaction pooler seen)" },
  unknown: { tone: "neutral", text: "not checked yet (server unreachable)" },
} as const;

export function PoolerFacts({ pooler: p }: { pooler: Facts }) {
  const d = DETECTED[p.detected];
  const pooled = p.declared !== null || p.detected === "transaction";
  return (
    <div className="flex flex-col gap-1" data-testid="pooler-facts">
      <div className="flex flex-wrap items-center gap-2">
        {p.declared && <Badge tone="blue">PgBouncer (declared in the servers file)</Badge>}
        <Badge tone={d.tone}>{d.text}</Badge>
        {p.directUrl && <Badge tone={p.directDetected === "transaction" ? "red" : "green"}>directUrl configured</Badge>}
      </div>
      <p className="text-xs text-zinc-500">{p.detected === "unknown" ? p.detail : `Checked: ${p.detail}.`}</p>
      {pooled && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">
          What it means: reads work through the pooler — each console read sets its timeouts with SET LOCAL inside its own transaction, so nothing stays
          on a pooled connection. Between two transactions the pooler may hand the connection to another client, so a backend pid seen in one
          transaction can be serving someone else&apos;s work in the next: maintenance jobs never run through it.
        </p>
      )}
      <p className="text-sm" data-testid="pooler-jobs">
        {p.jobs.ok ? (
          <>
            <Badge tone="green">maintenance jobs enabled</Badge>{" "}
            {p.jobs.via === "directUrl"
              ? "Jobs, their progress and their cancel use the directUrl: a connection of their own, closed after each job."
              : "Jobs run on their own connection to this server, closed after each job."}
          </>
        ) : (
          <>
            <Badge tone="red">maintenance jobs disabled</Badge> {p.jobs.reason}
          </>
        )}
      </p>
      {p.jobs.fix && <pre className="overflow-x-auto rounded bg-zinc-100 px-2 py-1 font-mono text-xs whitespace-pre-wrap dark:bg-zinc-900">{p.jobs.fix}</pre>}
    </div>
  );
}
