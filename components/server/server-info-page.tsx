"use client";
import { Badge } from "@/components/ui/badge";
import { Freshness } from "@/components/ui/freshness";
import { fetchJson } from "@/lib/queries/fetch-json";
import { usePolled } from "@/lib/queries/use-polled";
import { ServerInfoResponse } from "@/lib/schemas/server-info";
import { CapabilityRow } from "./capability-row";
import { PoolerFacts } from "./pooler-facts";

/** Version, primary/standby, extensions, and what the console's role may do — with the GRANT for each gap. */
export function ServerInfoPage({ server }: { server: string }) {
  const q = usePolled(
    ["server-info", server],
    () => fetchJson(`/api/servers/${encodeURIComponent(server)}/server-info`, ServerInfoResponse),
    // Privileges change rarely; no need to ask every 2 s.
    { intervalMs: 30_000 },
  );
  const info = q.data;
  const missing = info?.capabilities.filter((c) => !c.ok).length ?? 0;
  return (
    <section className="flex flex-col gap-4" data-testid="server-info">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-lg font-semibold">Server</h1>
        <Freshness updatedAt={q.dataUpdatedAt || undefined} error={q.error} paused={q.paused} onTogglePause={() => q.setPaused(!q.paused)} />
      </div>
      {info ? (
        <>
          <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
            <dt className="text-zinc-500">PostgreSQL</dt>
            <dd>{info.version}</dd>
            <dt className="text-zinc-500">Mode</dt>
            <dd>{info.inRecovery ? <Badge tone="yellow">standby (read-only)</Badge> : <Badge tone="green">primary</Badge>}</dd>
            <dt className="text-zinc-500">Console role</dt>
            <dd>
              {info.role} {info.superuser ? <Badge tone="red">superuser</Badge> : null}
            </dd>
            <dt className="text-zinc-500">Checked in database</dt>
            <dd>{info.database}</dd>
            <dt className="text-zinc-500">Connection pooler</dt>
            <dd>
              <PoolerFacts pooler={info.pooler} />
            </dd>
            <dt className="text-zinc-500">Extensions</dt>
            <dd className="flex flex-wrap gap-2">
              {info.extensions.map((e) => (
                <Badge key={e.name} tone={e.installed ? "green" : "neutral"} title={e.available ? undefined : "not available on this server"}>
                  {e.name} {e.installed ?? (e.available ? "not installed" : "unavailable")}
                </Badge>
              ))}
            </dd>
          </dl>
          <h2 className="text-base font-semibold">
            What the console can do {missing ? <Badge tone="yellow">{missing} missing</Badge> : <Badge tone="green">all set</Badge>}
          </h2>
          <ul className="flex flex-col divide-y divide-zinc-200 rounded border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800">
            {info.capabilities.map((c) => (
              <CapabilityRow key={c.id} capability={c} />
            ))}
          </ul>
        </>
      ) : q.isLoading ? (
        <p className="text-sm text-zinc-500">Reading the server…</p>
      ) : null}
    </section>
  );
}
