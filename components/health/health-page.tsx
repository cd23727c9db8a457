"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/freshness";
import { Section } from "@/components/ui/section";
import { useHealth } from "@/lib/queries/health";
import { useUrlState } from "@/lib/queries/url-state";
import { DatabaseQuery } from "@/lib/schemas/servers";
import { FindingCard } from "./finding-card";

const SEVERITIES = ["critical", "warning", "info"] as const;

/** Health checks of the server and the chosen database, worst first, each with its fix. */
export function HealthPage({ server }: { server: string }) {
  const { query } = useUrlState(DatabaseQuery);
  const q = useHealth(server, query.db);
  const r = q.data;
  const [show, setShow] = useState<Set<string>>(new Set(SEVERITIES));
  const toggle = (s: string) => setShow((cur) => (cur.has(s) ? new Set([...cur].filter((x) => x !== s)) : new Set([...cur, s])));
  const shown = r?.findings.filter((f) => show.has(f.severity)) ?? [];
  return (
    <section className="flex flex-col gap-3" data-testid="health">
      <PageHeader title="Health" poll={q} />
      {!r ? (
        <p className="text-sm text-zinc-500">{q.isLoading ? "Running the checks…" : null}</p>
      ) : (
        <>
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <span>
              Server <b>{r.server}</b>, database <b>{r.database}</b> (choose another in the header) · {r.checks.length} checks in {r.durationMs} ms
            </span>
            {SEVERITIES.map((s) => (
              <label key={s} className="flex items-center gap-1 text-xs">
                <input type="checkbox" checked={show.has(s)} onChange={() => toggle(s)} />
                <Badge tone={s === "critical" ? "red" : s === "warning" ? "yellow" : "blue"}>
                  {r.counts[s]} {s}
                </Badge>
              </label>
            ))}
          </div>
          {r.limits.length > 0 && (
            <Section title="What the console could not see" testId="health-limits">
              <ul className="flex flex-col gap-1 text-xs">
                {r.limits.map((l, i) => (
                  <li key={i}>
                    {l.what} {l.grant && <code className="rounded bg-zinc-100 px-1 dark:bg-zinc-800">{l.grant}</code>}
                  </li>
                ))}
              </ul>
            </Section>
          )}
          {shown.length === 0 ? (
            <p className="rounded border border-green-300 p-3 text-sm text-green-800 dark:border-green-800 dark:text-green-300" data-testid="health-none">
              {r.findings.length ? "No finding at the severities shown." : "No finding: every check that ran is clean."}
            </p>
          ) : (
            <ul className="flex flex-col divide-y divide-zinc-200 rounded border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
              {shown.map((f) => (
                <FindingCard key={f.id} f={f} />
              ))}
            </ul>
          )}
          <Section title="Checks">
            <ul className="grid grid-cols-1 gap-x-6 text-xs md:grid-cols-2">
              {r.checks.map((c) => (
                <li key={c.check} className="flex justify-between gap-2 py-0.5" data-testid="health-check" data-status={c.status}>
                  <span>{c.title}</span>
                  <span className={c.status === "failed" ? "text-red-700 dark:text-red-300" : "text-zinc-500"} title={c.message ?? undefined}>
                    {c.status === "failed" ? `failed: ${c.message}` : c.status === "limited" ? "ran, partly hidden" : "ok"} · {c.ms} ms
                  </span>
                </li>
              ))}
            </ul>
          </Section>
        </>
      )}
    </section>
  );
}
