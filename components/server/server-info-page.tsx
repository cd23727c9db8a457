"use client";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/freshness";
import { useServerInfo } from "@/lib/queries/server-info";
import { useUrlState } from "@/lib/queries/url-state";
import { DatabaseQuery } from "@/lib/schemas/servers";
import { CapabilityRow } from "./capability-row";
import { PoolerFacts } from "./pooler-facts";

/** Version, primary/standby, extensions, and what the console's role may do — with the GRANT for each gap. */
export function ServerInfoPage({ server }: { server: string }) {
  useUrlState(DatabaseQuery); // only db= belongs here (the header keeps it for the next page)
  const q = useServerInfo(server);
  const info = q.data;
  const missing = info?.capabilities.filter((c) => !c.ok).length ?? 0;
  return (
    <section className="flex flex-col gap-4" data-testid="server-info">
      <PageHeader title="Server" poll={q} />
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
