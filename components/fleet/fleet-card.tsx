import Link from "next/link";
import { Badge, type Tone } from "@/components/ui/badge";
import { formatBytes, formatDuration, formatNumber, formatPercent } from "@/lib/format";
import type { FleetServer } from "@/lib/schemas/metrics";

const STATUS_TONE: Record<FleetServer["status"], Tone> = { up: "green", down: "red", stale: "yellow", unknown: "neutral" };
const SEVERITY_TONE = { critical: "red", warning: "yellow", info: "blue" } as const;

function Fact({ label, value, tone }: { label: string; value: string; tone?: "warn" | "bad" }) {
  const color = tone === "bad" ? "text-red-700 dark:text-red-300" : tone === "warn" ? "text-amber-700 dark:text-amber-300" : "";
  return (
    <div className="flex justify-between gap-2">
      <dt className="text-zinc-500">{label}</dt>
      <dd className={`tabular-nums ${color}`}>{value}</dd>
    </div>
  );
}

/** One server at a glance; fixed height so 200 of them in a grid do not jump on every poll. */
export function FleetCard({ s }: { s: FleetServer }) {
  const conn = s.connections;
  const lag = s.replicationLag;
  const lagText = lag ? [lag.seconds !== null ? formatDuration(lag.seconds * 1000) : null, lag.bytes !== null ? formatBytes(lag.bytes) : null].filter(Boolean).join(" · ") : "—";
  return (
    <article className="flex h-56 flex-col gap-1.5 rounded border border-zinc-200 p-3 text-xs dark:border-zinc-800" data-testid="fleet-card" data-server={s.id} data-status={s.status}>
      <div className="flex items-center justify-between gap-2">
        <Link href={`/servers/${encodeURIComponent(s.id)}/overview`} className="truncate text-sm font-semibold hover:underline" title={s.id}>
          {s.name}
        </Link>
        <Badge tone={STATUS_TONE[s.status]}>{s.status}</Badge>
      </div>
      <div className="flex gap-1 text-zinc-500">
        {s.version && <span>PostgreSQL {s.version}</span>}
        {s.role && <Badge tone={s.role === "standby" ? "blue" : "neutral"}>{s.role}</Badge>}
      </div>
      {s.status === "down" && s.error ? (
        <p className="line-clamp-3 text-red-700 dark:text-red-300" title={s.error.message}>
          {s.error.code}: {s.error.message}
        </p>
      ) : (
        <dl className="flex flex-col gap-0.5">
          <Fact label="connections" value={conn ? `${conn.used} / ${conn.max} (${conn.percent.toFixed(0)} %)` : "—"} tone={conn && conn.percent >= 90 ? "bad" : conn && conn.percent >= 80 ? "warn" : undefined} />
          <Fact label="TPS" value={formatNumber(s.tps, 1)} />
          <Fact label="cache hit" value={formatPercent(s.cacheHitRatio)} tone={s.cacheHitRatio !== null && s.cacheHitRatio < 0.99 ? "warn" : undefined} />
          <Fact
            label="longest transaction"
            value={s.longestTransactionSeconds === null ? "—" : formatDuration(s.longestTransactionSeconds * 1000)}
            tone={(s.longestTransactionSeconds ?? 0) > 3600 ? "bad" : (s.longestTransactionSeconds ?? 0) > 300 ? "warn" : undefined}
          />
          <Fact label="replication lag" value={lagText} tone={(lag?.seconds ?? 0) > 5 ? "warn" : undefined} />
        </dl>
      )}
      <div className="mt-auto min-h-5" data-testid="fleet-card-finding">
        {s.worstFinding ? (
          <Link
            href={`/servers/${encodeURIComponent(s.id)}/health${s.worstFinding.database ? `?db=${encodeURIComponent(s.worstFinding.database)}` : ""}`}
            className="flex items-center gap-1 hover:underline"
            title={s.worstFinding.database ? `${s.worstFinding.title} (database ${s.worstFinding.database})` : s.worstFinding.title}
          >
            <Badge tone={SEVERITY_TONE[s.worstFinding.severity]}>{s.worstFinding.severity}</Badge>
            <span className="truncate">{s.worstFinding.title}</span>
            {s.worstFinding.database ? <span className="shrink-0 text-zinc-500">· {s.worstFinding.database}</span> : null}
          </Link>
        ) : (
          <Link href={`/servers/${encodeURIComponent(s.id)}/health`} className="text-zinc-500 hover:underline">
            {!s.healthCheckedAt
              ? "health: not checked yet"
              : s.healthFailedChecks
                ? `health: no finding, ${s.healthFailedChecks} check${s.healthFailedChecks === 1 ? "" : "s"} could not run`
                : "health: no finding"}
          </Link>
        )}
      </div>
    </article>
  );
}
