"use client";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { LogoutButton } from "@/components/auth/logout-button";
import { TimeZoneSwitch } from "@/components/ui/time";
import { UrlNotice } from "@/components/ui/url-notice";
import type { Permission, Role } from "@/lib/auth/permissions";
import { DatabasePicker } from "./database-picker";
import { PermissionsProvider } from "./permissions";

const NAV = [
  { href: "overview", label: "Overview" },
  { href: "health", label: "Health" },
  { href: "activity", label: "Activity" },
  { href: "tables", label: "Tables" },
  { href: "indexes", label: "Indexes" },
  { href: "space", label: "Space" },
  { href: "queries", label: "Queries" },
  { href: "maintenance", label: "Maintenance" },
  { href: "migrations", label: "Migrations" },
  { href: "migrations/lint", label: "Lint" },
  { href: "replication", label: "Replication" },
  { href: "pgbouncer", label: "PgBouncer" },
  { href: "server", label: "Server" },
] as const;

/** Pages whose "no database chosen" means every database of the server, not its default one. */
const ALL_DATABASES_PAGES = new Set(["activity", "maintenance"]);

export interface ShellServer {
  id: string;
  name: string;
  role: Role;
  permissions: Permission[];
}

const link = (active: boolean) =>
  `rounded px-2 py-1 whitespace-nowrap ${active ? "bg-zinc-200 font-medium dark:bg-zinc-800" : "hover:bg-zinc-100 dark:hover:bg-zinc-900"}`;

/**
 * Header (server, database, time zone, who) and one line of navigation over every console page.
 * The current server comes from the path; pages outside a server (the audit log) link to the first.
 */
export function ConsoleShell({ servers, user, showAudit, children }: { servers: ShellServer[]; user: string; showAudit: boolean; children: ReactNode }) {
  const pathname = usePathname();
  const params = useSearchParams();
  const router = useRouter();
  const inServer = /^\/servers\/([^/]+)(?:\/(.*))?$/.exec(pathname);
  const here = servers.find((s) => s.id === (inServer ? decodeURIComponent(inServer[1]!) : undefined));
  const server = here ?? servers[0];
  const page = inServer?.[2] ?? "";
  const db = params.get("db");
  const suffix = db ? `?db=${encodeURIComponent(db)}` : "";
  const base = server ? `/servers/${encodeURIComponent(server.id)}/` : "/";
  return (
    <PermissionsProvider permissions={here?.permissions ?? []}>
      <div className="flex min-h-screen flex-col">
        <header className="border-b border-zinc-200 dark:border-zinc-800">
          <div className="flex items-center gap-3 px-4 pt-2 pb-1">
            <Link href="/" className="font-semibold tracking-tight">
              pgwarden
            </Link>
            <label className="flex items-center gap-1 text-sm">
              <span className="text-zinc-500">server</span>
              <select
                aria-label="Server"
                value={server?.id ?? ""}
                onChange={(e) => router.push(`/servers/${encodeURIComponent(e.target.value)}/${page.split("/")[0] || "activity"}`)}
                className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700"
              >
                {servers.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            {here && <DatabasePicker server={here.id} value={db} noneLabel={ALL_DATABASES_PAGES.has(page.split("/")[0]!) ? "all databases" : "server default"} />}
            <div className="ml-auto flex items-center gap-3">
              <TimeZoneSwitch />
              <span className="text-xs whitespace-nowrap text-zinc-500" data-testid="whoami">
                {user}
                {here ? ` · ${here.role}` : ""}
              </span>
              <LogoutButton />
            </div>
          </div>
          <nav className="flex items-center gap-1 overflow-x-auto px-3 pb-1 text-sm" aria-label="Pages">
            <Link href="/fleet" aria-current={pathname === "/fleet" ? "page" : undefined} className={link(pathname === "/fleet")}>
              Fleet
            </Link>
            <span aria-hidden className="text-zinc-300 dark:text-zinc-700">|</span>
            {NAV.map((n) => (
              <Link key={n.href} href={`${base}${n.href}${suffix}`} aria-current={here && page === n.href ? "page" : undefined} className={link(!!here && page === n.href)}>
                {n.label}
              </Link>
            ))}
            {showAudit && (
              <Link href="/audit" aria-current={pathname === "/audit" ? "page" : undefined} className={`ml-auto ${link(pathname === "/audit")}`}>
                Audit log
              </Link>
            )}
          </nav>
        </header>
        <main className="flex min-w-0 flex-1 flex-col gap-3 px-4 py-3">
          <UrlNotice />
          {children}
        </main>
      </div>
    </PermissionsProvider>
  );
}
