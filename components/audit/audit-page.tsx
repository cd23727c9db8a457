"use client";
import { useState, useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";
import { INPUT_CLASS } from "@/components/ui/filter-input";
import { PageHeader } from "@/components/ui/freshness";
import { useTimeZoneMode } from "@/components/ui/time";
import { formatTimestamp } from "@/lib/format";
import { auditCsvUrl, useAudit } from "@/lib/queries/audit";
import { useUrlState } from "@/lib/queries/url-state";
import { AUDIT_OUTCOMES, AuditFilterQuery } from "@/lib/schemas/audit";
import { AuditTable } from "./audit-table";

const TEXT_FILTERS = [
  { key: "server", label: "Server" },
  { key: "user", label: "User" },
  { key: "action", label: "Action" },
] as const;
const OUTCOMES = ["", ...AUDIT_OUTCOMES];
const KINDS = ["", "intent", "outcome", "event"];

/** <input type="datetime-local"> speaks the browser's zone; the URL keeps UTC (ISO). */
function toLocalInput(iso: string | null): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "";
  return formatTimestamp(t, "local").slice(0, 16).replace(" ", "T");
}

/** The audit log with filters kept in the URL, older pages by keyset, and a CSV export of the filter. */
export function AuditPage() {
  const { query: filter, set } = useUrlState(AuditFilterQuery);
  const [mode] = useTimeZoneMode();
  // The browser's zone is not the server's: the date fields are filled only once in the browser.
  const mounted = useSyncExternalStore(
    () => () => {},
    () => true,
    () => false,
  );
  const [before, setBefore] = useState<number[]>([]);
  const q = useAudit(filter, before.at(-1));

  function setFilter(key: string, value: string) {
    setBefore([]);
    set({ [key]: value || undefined });
  }

  return (
    <div className="flex flex-col gap-3" data-testid="audit-page">
      <PageHeader
        title="Audit log"
        poll={q}
        right={
          <a className="text-sm text-blue-700 underline dark:text-blue-400" href={auditCsvUrl(filter)} download>
            Export CSV
          </a>
        }
      />
      <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => e.preventDefault()}>
        {TEXT_FILTERS.map((f) => (
          <label key={f.key} className="flex flex-col text-xs text-zinc-500">
            {f.label}
            <input className={INPUT_CLASS} defaultValue={filter[f.key] ?? ""} onBlur={(e) => setFilter(f.key, e.target.value.trim())} />
          </label>
        ))}
        <label className="flex flex-col text-xs text-zinc-500">
          Outcome
          <select className={INPUT_CLASS} value={filter.outcome ?? ""} onChange={(e) => setFilter("outcome", e.target.value)}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o || "any"}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs text-zinc-500">
          Row
          <select className={INPUT_CLASS} value={filter.kind ?? ""} onChange={(e) => setFilter("kind", e.target.value)}>
            {KINDS.map((o) => (
              <option key={o} value={o}>
                {o || "any"}
              </option>
            ))}
          </select>
        </label>
        {(["from", "to"] as const).map((k) => (
          <label key={k} className="flex flex-col text-xs text-zinc-500">
            {k === "from" ? "From" : "Until"} (this browser&apos;s time{mode === "utc" ? "; shown below in UTC" : ""})
            <input
              key={mounted ? "browser" : "server"}
              type="datetime-local"
              className={INPUT_CLASS}
              defaultValue={mounted ? toLocalInput(filter[k] ?? null) : ""}
              onChange={(e) => setFilter(k, e.target.value ? new Date(e.target.value).toISOString() : "")}
            />
          </label>
        ))}
      </form>
      <AuditTable rows={q.data?.rows} error={q.error} />
      <div className="flex gap-2 text-sm">
        <Button size="sm" disabled={!before.length} onClick={() => setBefore(before.slice(0, -1))}>
          ← Newer
        </Button>
        <Button size="sm" disabled={!q.data?.nextBefore} onClick={() => q.data?.nextBefore && setBefore([...before, q.data.nextBefore])}>
          Older →
        </Button>
      </div>
    </div>
  );
}
