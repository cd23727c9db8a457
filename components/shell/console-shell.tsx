"use client";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { DatabasePicker } from "./database-picker";

const NAV = [
  { href: "activity", label: "Activity" },
  { href: "tables", label: "Tables" },
  { href: "indexes", label: "Indexes" },
  { href: "space", label: "Space" },
  { href: "maintenance", label: "Maintenance" },
  { href: "migrations", label: "Migrations" },
  { href: "migrations/lint", label: "Lint" },
  { href: "server", label: "Server" },
] as const;

export function ConsoleShell({
  server,
  servers,
  children,
  extra,
  showAudit = false,
}: {
  showAudit?: boolean;
  server: string;
  servers: { id: string; name: string }[];
  children: ReactNode;
  extra?: ReactNode;
}) {
  const pathname = usePathname();
  const params = useSearchParams();
  const router = useRouter();
  const db = params.get("db");
  const suffix = db ? `?db=${encodeURIComponent(db)}` : "";
  const base = `/servers/${server}/`;
  const current = pathname.startsWith(base) ? pathname.slice(base.length) : "";
  return (
    <div className="flex min-h-screen flex-col">
      <header className="flex flex-wrap items-center gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
        <Link href="/" className="font-semibold tracking-tight">
          pgwarden
        </Link>
        <label className="flex items-center gap-1 text-sm">
          <span className="text-zinc-500">server</span>
          <select
            aria-label="Server"
            value={server}
            onChange={(e) => router.push(`/servers/${e.target.value}/${current.split("/")[0] || "activity"}`)}
            className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700"
          >
            {servers.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
        <DatabasePicker server={server} value={db} />
        <nav className="flex flex-wrap gap-1 text-sm" aria-label="Pages">
          {NAV.map((n) => {
            const active = current === n.href;
            return (
              <Link
                key={n.href}
                href={`${base}${n.href}${suffix}`}
                aria-current={active ? "page" : undefined}
                className={`rounded px-2 py-1 ${active ? "bg-zinc-200 font-medium dark:bg-zinc-800" : "hover:bg-zinc-100 dark:hover:bg-zinc-900"}`}
              >
                {n.label}
              </Link>
            );
          })}
        </nav>
        {showAudit && (
          <Link href="/audit" className="rounded px-2 py-1 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-900">
            Audit log
          </Link>
        )}
        <div className="ml-auto flex items-center gap-2">{extra}</div>
      </header>
      <main className="flex-1 px-4 py-3">{children}</main>
    </div>
  );
}
