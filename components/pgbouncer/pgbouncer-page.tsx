"use client";
import { useState } from "react";
import { TypedConfirmDialog } from "@/components/replication/typed-confirm-dialog";
import { FindingsList } from "@/components/replication/findings-list";
import { useCan } from "@/components/shell/permissions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type Column } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/freshness";
import { Section } from "@/components/ui/section";
import { formatBytes, formatDuration, formatNumber } from "@/lib/format";
import { bouncerConfirmation, useBouncerAction, useBouncerConfig, useBouncerConnections, usePgbouncer } from "@/lib/queries/pgbouncer";
import type { BouncerAction, BouncerConnection, BouncerDatabase, DatabaseStats } from "@/lib/schemas/pgbouncer";
import { PoolHistory } from "./pool-history";
import { PoolsTable } from "./pools-table";

const STATS: Column<DatabaseStats>[] = [
  { id: "db", header: "database", cell: (s) => s.database },
  { id: "xps", header: "transactions/s", align: "right", sortValue: (s) => s.xactPerSecond, cell: (s) => formatNumber(s.xactPerSecond, 1) },
  { id: "qps", header: "queries/s", align: "right", sortValue: (s) => s.queryPerSecond, cell: (s) => formatNumber(s.queryPerSecond, 1) },
  { id: "xt", header: "avg transaction", align: "right", cell: (s) => formatDuration(s.avgXactTimeUs / 1000) },
  { id: "qt", header: "avg query", align: "right", cell: (s) => formatDuration(s.avgQueryTimeUs / 1000) },
  { id: "in", header: "received/s", align: "right", cell: (s) => `${formatBytes(s.receivedBytesPerSecond)}/s` },
  { id: "out", header: "sent/s", align: "right", cell: (s) => `${formatBytes(s.sentBytesPerSecond)}/s` },
];

const CONNS: Column<BouncerConnection>[] = [
  { id: "db", header: "database", cell: (c) => c.database ?? "—" },
  { id: "user", header: "user", cell: (c) => c.user ?? "—" },
  { id: "state", header: "state", cell: (c) => <span className={c.state === "waiting" ? "font-semibold text-red-700 dark:text-red-300" : ""}>{c.state ?? "—"}</span> },
  { id: "addr", header: "address", cell: (c) => c.addr ?? "—" },
  { id: "app", header: "application", cell: (c) => c.applicationName ?? "" },
  { id: "since", header: "connected", cell: (c) => c.connectTime ?? "—" },
  { id: "req", header: "last request", cell: (c) => c.requestTime ?? "—" },
];

function Connections({ server, kind }: { server: string; kind: "clients" | "servers" }) {
  const q = useBouncerConnections(server, kind);
  return <DataTable columns={CONNS} rows={q.data?.rows} rowKey={(c) => `${c.ptr ?? ""}${c.addr ?? ""}${c.connectTime ?? ""}`} error={q.error} maxHeight="40vh" virtual={{ rowHeight: 26 }} empty={`No ${kind}.`} testId={`bouncer-${kind}`} />;
}

function Config({ server }: { server: string }) {
  const q = useBouncerConfig(server);
  const cols: Column<{ key: string; value: string | null; default: string | null }>[] = [
    { id: "key", header: "setting", sortValue: (s) => s.key, firstDir: "asc", cell: (s) => <span className="font-mono">{s.key}</span> },
    { id: "value", header: "value", cell: (s) => <span className={s.value !== s.default ? "font-semibold" : ""}>{s.value ?? ""}</span> },
    { id: "default", header: "default", cell: (s) => s.default ?? "" },
  ];
  return <DataTable columns={cols} rows={q.data?.settings} rowKey={(s) => s.key} error={q.error} maxHeight="40vh" initialSort={{ key: "key", dir: "asc" }} />;
}

/** SHOW POOLS / STATS / DATABASES / CLIENTS / SERVERS / CONFIG, sizing advice, PAUSE / RESUME / RECONNECT. */
export function PgbouncerPage({ server }: { server: string }) {
  const q = usePgbouncer(server);
  const isAdmin = useCan("admin");
  const act = useBouncerAction(server);
  const [plan, setPlan] = useState<{ action: BouncerAction; database: string } | null>(null);
  const [tab, setTab] = useState<"clients" | "servers" | "config">("clients");
  const r = q.data;
  const dbCols: Column<BouncerDatabase>[] = [
    { id: "name", header: "database", cell: (d) => d.name },
    { id: "target", header: "points at", cell: (d) => `${d.host ?? "(socket)"}/${d.database ?? ""}` },
    { id: "mode", header: "mode", cell: (d) => d.poolMode ?? "—" },
    { id: "state", header: "state", cell: (d) => (d.paused ? <Badge tone="red">paused</Badge> : d.disabled ? <Badge tone="yellow">disabled</Badge> : <Badge tone="green">running</Badge>) },
    {
      id: "actions",
      header: "",
      cell: (d) =>
        isAdmin && !d.admin ? (
          <span className="flex gap-1">
            {(d.paused ? (["resume"] as const) : (["pause", "reconnect"] as const)).map((a) => (
              <Button key={a} size="sm" variant="danger" onClick={() => (act.reset(), setPlan({ action: a, database: d.name }))}>
                {a.toUpperCase()}…
              </Button>
            ))}
          </span>
        ) : null,
    },
  ];
  const res = act.data;
  return (
    <section className="flex flex-col gap-3" data-testid="pgbouncer">
      <PageHeader title={`PgBouncer${r?.version ? ` ${r.version}` : ""}`} poll={q} />
      {r && <FindingsList findings={r.findings} limits={r.limits} />}
      <Section title="Pools (SHOW POOLS)">
        <PoolsTable pools={r?.pools} error={q.error} />
      </Section>
      <PoolHistory server={server} />
      <Section title="Traffic (SHOW STATS)">
        <DataTable columns={STATS} rows={r?.stats} rowKey={(s) => s.database} error={q.error} empty="No traffic yet." />
      </Section>
      <Section title="Databases (SHOW DATABASES)">
        <DataTable columns={dbCols} rows={r?.databases} rowKey={(d) => d.name} error={q.error} testId="bouncer-databases" />
      </Section>
      {r && r.sizing.length > 0 && (
        <Section title="Pool sizing">
          <ul className="flex flex-col gap-1 text-xs">
            {r.sizing.map((s, i) => (
              <li key={i}>
                <b>{s.server?.name ?? "server"}</b>: {s.cores !== null ? `${s.cores} cores → about ${s.recommendedActive} active connections (cores × 2 + 1)` : (s.needed ?? "cores unknown")}
                {s.configuredMax !== null && `; pools may open ${s.configuredMax}`}
                {s.postgresLimit !== null && ` of PostgreSQL's ${s.postgresLimit}`}. {s.advice.join(" ")}
              </li>
            ))}
          </ul>
        </Section>
      )}
      <Section
        title={tab === "config" ? "SHOW CONFIG" : `SHOW ${tab.toUpperCase()}`}
        right={
          <div role="group" aria-label="Connections" className="flex gap-1">
            {(["clients", "servers", "config"] as const).map((t) => (
              <Button key={t} size="sm" variant={tab === t ? "primary" : "default"} aria-pressed={tab === t} onClick={() => setTab(t)}>
                {t}
              </Button>
            ))}
          </div>
        }
      >
        {tab === "config" ? <Config server={server} /> : <Connections key={tab} server={server} kind={tab} />}
      </Section>
      <TypedConfirmDialog
        open={plan !== null}
        title={plan ? plan.action.toUpperCase() : ""}
        phrase={plan ? bouncerConfirmation(plan.action, plan.database) : ""}
        busy={act.isPending}
        onConfirm={(confirm) => plan && act.mutate({ ...plan, confirm })}
        onClose={() => setPlan(null)}
        testId="bouncer-action-dialog"
        result={
          res ? (
            <p data-testid="bouncer-action-result">
              <Badge tone={res.outcome === "ok" ? "green" : "red"}>{res.outcome.replace("_", " ")}</Badge> {res.message}
            </p>
          ) : act.isError ? (
            <p className="text-red-700 dark:text-red-300">Outcome unknown ({act.error.message}); the pools are read again.</p>
          ) : null
        }
      >
        {plan && (
          <p>
            PgBouncer <b>{server}</b>, database <b>{plan.database}</b>:{" "}
            {plan.action === "pause"
              ? "PAUSE waits for every server connection to finish its transaction, then holds new queries until RESUME. Clients queue (they are not refused)."
              : plan.action === "resume"
                ? "RESUME lets the queued clients through."
                : "RECONNECT closes each server connection once it is released, so the next ones reach the (new) address."}
          </p>
        )}
      </TypedConfirmDialog>
    </section>
  );
}
