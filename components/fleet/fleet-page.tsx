"use client";
import { useMemo } from "react";
import { FilterInput, INPUT_CLASS } from "@/components/ui/filter-input";
import { PageHeader } from "@/components/ui/freshness";
import { Pager } from "@/components/ui/pager";
import { useFleet } from "@/lib/queries/fleet";
import { useUrlState } from "@/lib/queries/url-state";
import { FleetPageQuery } from "@/lib/schemas/fleet";
import { FleetCard } from "./fleet-card";
import { matchesFilter, sortFleet } from "./fleet-sort";

// 200 servers as 200 cards is a wall: a page of cards, worst first, with the filter in the URL.
const PAGE_SIZE = 48;

const SORT_LABELS = {
  severity: "worst first",
  name: "name",
  connections: "connections % of max",
  tps: "TPS",
  cache_hit: "lowest cache hit",
  longest_xact: "longest transaction",
  lag: "replication lag",
} as const;

export function FleetPage() {
  const { query, set } = useUrlState(FleetPageQuery);
  const poll = useFleet();
  const all = poll.data?.servers;
  const shown = useMemo(() => (all ? sortFleet(all.filter((s) => matchesFilter(s, query)), query.sort) : undefined), [all, query]);
  const counts = useMemo(() => {
    const c = { up: 0, down: 0, stale: 0, unknown: 0 };
    for (const s of all ?? []) c[s.status]++;
    return c;
  }, [all]);
  const offset = shown ? Math.min(query.offset, Math.max(0, Math.floor((shown.length - 1) / PAGE_SIZE) * PAGE_SIZE)) : 0;
  const page = shown?.slice(offset, offset + PAGE_SIZE);
  return (
    <section className="flex flex-col gap-3" data-testid="fleet">
      <PageHeader title="Fleet" poll={poll} />
      <div className="flex flex-wrap items-center gap-3 text-xs">
        <span data-testid="fleet-counts">
          {all ? `${all.length} servers · ${counts.up} up · ${counts.down} down · ${counts.stale} stale · ${counts.unknown} never sampled` : ""}
        </span>
        <FilterInput label="Filter" value={query.q} placeholder="name, version, finding" onCommit={(v) => set({ q: v || undefined, offset: undefined })} />
        <label className="flex items-center gap-1">
          <span className="text-zinc-500">Show</span>
          <select aria-label="Status" className={INPUT_CLASS} value={query.status ?? ""} onChange={(e) => set({ status: e.target.value || undefined, offset: undefined })}>
            <option value="">all</option>
            <option value="problem">with a problem</option>
            <option value="down">down</option>
            <option value="stale">stale</option>
            <option value="up">up</option>
            <option value="unknown">never sampled</option>
          </select>
        </label>
        <label className="flex items-center gap-1">
          <span className="text-zinc-500">Sort by</span>
          <select aria-label="Sort" className={INPUT_CLASS} value={query.sort} onChange={(e) => set({ sort: e.target.value, offset: undefined })}>
            {Object.entries(SORT_LABELS).map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {shown && shown.length > PAGE_SIZE && <Pager total={shown.length} limit={PAGE_SIZE} offset={offset} onPage={(o) => set({ offset: o || undefined })} />}
      </div>
      {!page ? (
        <p className="text-sm text-zinc-500">{poll.isLoading ? "Reading the fleet…" : null}</p>
      ) : page.length === 0 ? (
        <p className="text-sm text-zinc-500" data-testid="fleet-empty">
          {all?.length ? "No server matches the filter." : "No servers to show."}
        </p>
      ) : (
        <div className="grid grid-cols-[repeat(auto-fill,minmax(15rem,1fr))] gap-3" data-stale={poll.error ? "true" : undefined}>
          {page.map((s) => (
            <FleetCard key={s.id} s={s} />
          ))}
        </div>
      )}
      {poll.data && (
        <p className="text-xs text-zinc-500">
          From the sampler&apos;s newest points (every {poll.data.sampleIntervalSeconds} s); a page view does not query the servers. Worst finding: the worst of each
          database&apos;s last health check, with the database it is in.
        </p>
      )}
    </section>
  );
}
