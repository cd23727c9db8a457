"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect } from "react";
import { useDatabases } from "@/lib/queries/server-info";
import { patchQuery } from "@/lib/queries/url-params";
import { useReportParam } from "@/lib/queries/url-state";

/**
 * The one database choice of the console (`?db=`): per-database pages read from it, Activity
 * filters its sessions by it. A name the server does not list is reported and dropped.
 */
export function DatabasePicker({ server, value, noneLabel }: { server: string; value: string | null; noneLabel: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const report = useReportParam();
  const { data } = useDatabases(server);
  const known = data?.databases;
  const unknown = value !== null && known !== undefined && !known.some((d) => d.name === value);
  const choose = (db: string | undefined) => {
    const next = patchQuery(new URLSearchParams(params), { db, offset: undefined });
    router.push(next ? `${pathname}?${next}` : pathname);
  };
  useEffect(() => {
    if (!unknown) return;
    report({ key: "db", value: value!, message: `db=${value} is not a database pgwarden can connect to on this server; showing ${noneLabel} instead.` });
    const next = patchQuery(new URLSearchParams(window.location.search), { db: undefined });
    router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
  }, [unknown, value, noneLabel, report, router, pathname]);
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="text-zinc-500">database</span>
      <select
        aria-label="Database"
        value={unknown ? "" : (value ?? "")}
        onChange={(e) => choose(e.target.value || undefined)}
        className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700"
      >
        <option value="">({noneLabel})</option>
        {known?.map((d) => (
          <option key={d.name} value={d.name}>
            {d.name}
          </option>
        ))}
        {/* Until the list arrives, the chosen database is still shown as chosen. */}
        {value !== null && !known && <option value={value}>{value}</option>}
      </select>
    </label>
  );
}
