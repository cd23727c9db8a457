"use client";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/freshness";
import { Section } from "@/components/ui/section";
import { Stat } from "@/components/ui/stat";
import { TimeAgo } from "@/components/ui/time";
import { formatBytes, formatDuration, formatNumber } from "@/lib/format";
import { useArchiving, useReplication } from "@/lib/queries/replication";
import type { ArchivingResponse, ReplicationResponse, Standby } from "@/lib/schemas/replication";
import { FindingsList } from "./findings-list";
import { SlotsTable } from "./slots-table";

const lag = (bytes: number | null, ms: number | null) => `${formatBytes(bytes)}${ms !== null ? ` · ${formatDuration(ms)}` : ""}`;

const STANDBY_COLUMNS: Column<Standby>[] = [
  { id: "app", header: "application", cell: (s) => (s.consoleServer ? <Link className="underline" href={`/servers/${encodeURIComponent(s.consoleServer.id)}/replication`}>{s.applicationName}</Link> : (s.applicationName ?? "—")) },
  { id: "client", header: "client", cell: (s) => (s.hidden ? <span className="text-zinc-500">hidden</span> : `${s.clientAddr ?? "local"}${s.clientPort ? `:${s.clientPort}` : ""}`) },
  { id: "state", header: "state", cell: (s) => s.state ?? "—" },
  { id: "sync", header: "sync", cell: (s) => s.syncState ?? "—" },
  { id: "sent", header: "sent", className: "font-mono", cell: (s) => s.sentLsn ?? "—" },
  { id: "write", header: "write lag", align: "right", cell: (s) => lag(s.writeLagBytes, s.writeLagMs) },
  { id: "flush", header: "flush lag", align: "right", cell: (s) => lag(s.flushLagBytes, s.flushLagMs) },
  { id: "replay", header: "replay lag", align: "right", sortValue: (s) => s.replayLagBytes, cell: (s) => lag(s.replayLagBytes, s.replayLagMs) },
  { id: "slot", header: "slot", cell: (s) => s.slotName ?? "—" },
];

function StandbySide({ r }: { r: ReplicationResponse }) {
  const rec = r.recovery;
  const w = r.receiver;
  return (
    <Section title="This standby" testId="standby-side">
      <div className="flex flex-wrap gap-2">
        <Stat label="replay lag" value={rec ? formatBytes(rec.replayLagBytes) : "—"} tone={rec && !rec.caughtUp ? "warn" : undefined} />
        <Stat label="since last replayed commit" value={rec ? formatDuration(rec.replayLagMs) : "—"} title={rec?.note ?? undefined} />
        <Stat label="replay" value={rec?.paused ? "paused" : (rec?.pauseState ?? "—")} tone={rec?.paused ? "bad" : undefined} testId="replay-state" />
        <Stat label="receiver" value={w ? (w.hidden ? "hidden" : (w.status ?? "—")) : "not running"} tone={!w ? "bad" : undefined} testId="receiver-status" />
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 text-xs">
        <dt className="text-zinc-500">received</dt>
        <dd className="font-mono">{rec?.receiveLsn ?? "—"}</dd>
        <dt className="text-zinc-500">replayed</dt>
        <dd className="font-mono">{rec?.replayLsn ?? "—"}</dd>
        <dt className="text-zinc-500">primary</dt>
        <dd>{w?.senderHost ? `${w.senderHost}:${w.senderPort}` : "—"}{w?.slotName ? ` via slot ${w.slotName}` : ""}</dd>
        <dt className="text-zinc-500">last message</dt>
        <dd>
          <TimeAgo at={w?.lastMsgReceiptTime ?? null} />
        </dd>
      </dl>
      {rec?.note && <p className="text-xs text-zinc-500">{rec.note}</p>}
    </Section>
  );
}

function ArchivingSection({ a, error }: { a: ArchivingResponse | undefined; error: unknown }) {
  if (!a) return <Section title="WAL archiving and base backups">{error ? <p className="text-sm text-red-700">Could not load.</p> : <p className="text-sm text-zinc-500">Loading…</p>}</Section>;
  const ar = a.archiver;
  return (
    <Section title="WAL archiving and base backups" testId="archiving">
      <div className="flex flex-wrap gap-2">
        <Stat label="archive_mode" value={ar.archiveMode} />
        <Stat label="archived" value={formatNumber(ar.archivedCount)} />
        <Stat label="failed" value={formatNumber(ar.failedCount)} tone={ar.failing ? "bad" : undefined} />
        <Stat label="segments waiting" value={formatNumber(ar.segmentsWaiting)} tone={(ar.segmentsWaiting ?? 0) > 10 ? "warn" : undefined} />
        <Stat label="WAL per hour" value={a.walRate.bytesPerHour === null ? "—" : formatBytes(a.walRate.bytesPerHour)} />
      </div>
      <p className="text-xs">
        Last archived {ar.lastArchivedWal ?? "—"} <TimeAgo at={ar.lastArchivedTime} />
        {ar.failing && (
          <>
            {" "}
            · <b className="text-red-700 dark:text-red-300">failing</b> since <TimeAgo at={ar.failingSince} /> on {ar.lastFailedWal}
          </>
        )}
      </p>
      <FindingsList findings={a.findings} limits={a.limits} />
      {a.baseBackups.length === 0 ? (
        <p className="text-xs text-zinc-500">No base backup running.</p>
      ) : (
        <ul className="flex flex-col gap-1 text-xs">
          {a.baseBackups.map((b) => (
            <li key={b.pid}>
              pid {b.pid} {b.applicationName} · {b.phase} · {formatBytes(b.backupStreamedBytes)} of {formatBytes(b.backupTotalBytes)}
              <progress className="ml-2 align-middle" max={1} value={b.progress ?? undefined} aria-label={`base backup ${b.pid}`} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** Standbys, slots, the standby's own receiver and replay, WAL archiving and base backups. */
export function ReplicationPage({ server }: { server: string }) {
  const q = useReplication(server);
  const a = useArchiving(server);
  const r = q.data;
  return (
    <section className="flex flex-col gap-3" data-testid="replication">
      <PageHeader title="Replication" poll={q} />
      {r && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <Badge tone={r.role === "primary" ? "green" : "blue"}>{r.role}</Badge>
          <span className="text-xs text-zinc-500">
            timeline {r.timeline ?? "—"} · position <span className="font-mono">{r.currentLsn ?? "—"}</span> · pg_wal {formatBytes(r.walDirBytes)}
          </span>
          {r.links.primary && (
            <Link className="text-xs underline" href={`/servers/${encodeURIComponent(r.links.primary.id)}/replication`}>
              primary: {r.links.primary.name}
            </Link>
          )}
          {r.links.pgbouncer && (
            <Link className="text-xs underline" href={`/servers/${encodeURIComponent(r.links.pgbouncer.id)}/pgbouncer`}>
              PgBouncer: {r.links.pgbouncer.name}
            </Link>
          )}
        </div>
      )}
      {r && <FindingsList findings={r.findings} limits={r.limits} />}
      {r?.role === "standby" && <StandbySide r={r} />}
      <Section title="Standbys (pg_stat_replication)">
        <DataTable columns={STANDBY_COLUMNS} rows={r?.standbys} rowKey={(s) => s.pid} error={q.error} empty={r?.role === "standby" ? "No cascading standbys." : "No standby is connected."} testId="standbys-table" />
      </Section>
      <Section title="Replication slots">
        <SlotsTable server={server} slots={r?.slots} error={q.error} />
      </Section>
      <ArchivingSection a={a.data} error={a.error} />
    </section>
  );
}
