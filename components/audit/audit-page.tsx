"use client";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Freshness } from "@/components/ui/freshness";
import { LogoutButton } from "@/components/auth/logout-button";
import { fetchJson } from "@/lib/queries/fetch-json";
import { usePolled } from "@/lib/queries/use-polled";
import { AuditResponse } from "@/lib/schemas/audit";
import { AuditTable } from "./audit-table";

const FILTERS = [
  { key: "server", label: "Server" },
  { key: "user", label: "User" },
  { key: "action", label: "Action" },
] as const;
const OUTCOMES = ["", "ok", "already_gone", "changed", "denied", "failed", "unknown", "skipped"];
const KINDS = ["", "intent", "outcome", "event"];

/** The audit log with filters kept in the URL, older pages by keyset, and a CSV export of the filter. */
export function AuditPage() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [before, setBefore] = useState<number[]>([]);
  const filter = new URLSearchParams();
  for (const k of ["server", "user", "action", "outcome", "kind", "from", "to"]) {
    const v = params.get(k);
    if (v) filter.set(k, v);
  }
  const page = new URLSearchParams(filter);
  const cursor = before.at(-1);
  if (cursor) page.set("before", String(cursor));
  const q = usePolled(["audit", page.toString()], () => fetchJson(`/api/audit?${page}`, AuditResponse), { intervalMs: 10_000 });
  const csv = new URLSearchParams(filter);
  csv.set("format", "csv");

  function setFilter(key: string, value: string) {
    const next = new URLSearchParams(filter);
    if (value) next.set(key, value);
    else next.delete(key);
    setBefore([]);
    router.replace(`${pathname}?${next}`);
  }

  const field = "rounded border border-zinc-300 bg-transparent px-1.5 py-0.5 text-sm dark:border-zinc-700";
  return (
    <main className="flex flex-col gap-3 p-4" data-testid="audit-page">
      <header className="flex flex-wrap items-center gap-3">
        <Link href="/" className="font-semibold">
          pgwarden
        </Link>
        <h1 className="text-lg font-semibold">Audit log</h1>
        <Freshness updatedAt={q.dataUpdatedAt || undefined} error={q.error} paused={q.paused} onTogglePause={() => q.setPaused(!q.paused)} />
        <div className="ml-auto flex items-center gap-2">
          <a className="text-sm text-blue-700 underline dark:text-blue-400" href={`/api/audit?${csv}`} download>
            Export CSV
          </a>
          <LogoutButton />
        </div>
      </header>
      <form className="flex flex-wrap items-end gap-2" onSubmit={(e) => e.preventDefault()}>
        {FILTERS.map((f) => (
          <label key={f.key} className="flex flex-col text-xs text-zinc-500">
            {f.label}
            <input className={field} defaultValue={params.get(f.key) ?? ""} onBlur={(e) => setFilter(f.key, e.target.value.trim())} />
          </label>
        ))}
        <label className="flex flex-col text-xs text-zinc-500">
          Outcome
          <select className={field} value={params.get("outcome") ?? ""} onChange={(e) => setFilter("outcome", e.target.value)}>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o || "any"}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-xs text-zinc-500">
          Row
          <select className={field} value={params.get("kind") ?? ""} onChange={(e) => setFilter("kind", e.target.value)}>
            {KINDS.map((o) => (
              <option key={o} value={o}>
                {o || "any"}
              </option>
            ))}
          </select>
        </label>
        {(["from", "to"] as const).map((k) => (
          <label key={k} className="flex flex-col text-xs text-zinc-500">
            {k === "from" ? "From" : "Until"}
            <input
              type="datetime-local"
              className={field}
              defaultValue={params.get(k) ? params.get(k)!.slice(0, 16) : ""}
              onChange={(e) => setFilter(k, e.target.value ? new Date(e.target.value).toISOString() : "")}
            />
          </label>
        ))}
      </form>
      {q.data ? <AuditTable rows={q.data.rows} /> : q.isLoading ? <p className="text-sm text-zinc-500">Loading…</p> : null}
      <div className="flex gap-2 text-sm">
        <button className="underline disabled:opacity-40" disabled={!before.length} onClick={() => setBefore(before.slice(0, -1))}>
          Newer
        </button>
        <button
          className="underline disabled:opacity-40"
          disabled={!q.data?.nextBefore}
          onClick={() => q.data?.nextBefore && setBefore([...before, q.data.nextBefore])}
        >
          Older
        </button>
      </div>
    </main>
  );
}
