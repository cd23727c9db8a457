"use client";
import { PageHeader } from "@/components/ui/freshness";
import { TimeAgo } from "@/components/ui/time";
import { useMetrics } from "@/lib/queries/metrics";
import { useUrlState } from "@/lib/queries/url-state";
import { METRIC_RANGES, MetricsQuery } from "@/lib/schemas/metrics";
import { MetricChart } from "./metric-chart";

const RANGE_LABELS = { "1h": "1 h", "6h": "6 h", "24h": "24 h", "7d": "7 d" } as const;

/** A server's history from the sampler: the charts the issue lists, over 1 h to 7 d. */
export function OverviewPage({ server }: { server: string }) {
  const { query, set } = useUrlState(MetricsQuery);
  const q = useMetrics(server, query);
  const m = q.data;
  return (
    <section className="flex flex-col gap-3" data-testid="overview">
      <PageHeader
        title="Overview"
        poll={q}
        right={
          <div role="group" aria-label="Range" className="flex overflow-hidden rounded border border-zinc-300 text-xs dark:border-zinc-700">
            {METRIC_RANGES.map((r) => (
              <button
                key={r}
                type="button"
                aria-pressed={query.range === r}
                onClick={() => set({ range: r === "1h" ? undefined : r })}
                className={`px-2 py-0.5 ${query.range === r ? "bg-zinc-200 font-medium dark:bg-zinc-800" : "hover:bg-zinc-100 dark:hover:bg-zinc-900"}`}
              >
                {RANGE_LABELS[r]}
              </button>
            ))}
          </div>
        }
      />
      {m && (
        <p className="text-xs text-zinc-500">
          {m.database ? `Database ${m.database} (server-wide charts marked)` : "Whole server (all databases)"} · one point per {m.stepSeconds} s from {m.source === "raw" ? "raw samples" : "hourly rollups"} · sampled every {m.sampleIntervalSeconds} s · newest sample <TimeAgo at={m.lastSampleAt} never="none yet" />
        </p>
      )}
      {m && m.lastSampleAt === null && (
        <p className="rounded border border-amber-300 p-2 text-sm text-amber-800 dark:border-amber-800 dark:text-amber-300">
          No samples of this server in the store yet: the sampler takes one every {m.sampleIntervalSeconds} s once a console replica holds its lease.
        </p>
      )}
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        {m?.charts.map((c) => (
          <MetricChart key={c.id} chart={{ ...c, title: m.database && c.scope === "server" ? `${c.title} (server-wide)` : c.title }} long={query.range === "7d" || query.range === "24h"} />
        ))}
      </div>
      {!m && <p className="text-sm text-zinc-500">{q.isLoading ? "Reading the history…" : null}</p>}
    </section>
  );
}
