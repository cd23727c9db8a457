import { Stat } from "@/components/ui/stat";
import { formatDuration } from "@/lib/format";
import type { ActivitySummary } from "@/lib/schemas/activity";

export function SummaryStrip({ s }: { s: ActivitySummary }) {
  const usable = s.maxConnections - s.reservedConnections;
  const ratio = usable > 0 ? s.connections / usable : 0;
  return (
    <div className="flex flex-wrap gap-2" data-testid="summary">
      <Stat
        label="connections"
        value={`${s.connections} / ${s.maxConnections}`}
        tone={ratio > 0.9 ? "bad" : ratio > 0.75 ? "warn" : undefined}
        title={`${s.reservedConnections} slots reserved for superusers / reserved roles`}
      />
      <Stat
        label="active"
        value={s.active}
        testId="stat-active"
        title={`client sessions running a statement, not counting pgwarden's own (${s.consoleActive} now: its reads and maintenance jobs)`}
      />
      <Stat label="idle" value={s.idle} />
      <Stat label="idle in transaction" value={s.idleInTransaction} tone={s.idleInTransaction > 0 ? "warn" : undefined} />
      <Stat label="waiting on locks" value={s.waiting} tone={s.waiting > 0 ? "bad" : undefined} />
      <Stat label="longest query" value={formatDuration(s.longestQueryMs)} tone={(s.longestQueryMs ?? 0) > 60_000 ? "warn" : undefined} />
      <Stat label="longest transaction" value={formatDuration(s.longestTransactionMs)} tone={(s.longestTransactionMs ?? 0) > 60_000 ? "warn" : undefined} />
    </div>
  );
}
