import { notFound } from "next/navigation";
import { Suspense, type ReactNode } from "react";
import { LogoutButton } from "@/components/auth/logout-button";
import { ConsoleShell } from "@/components/shell/console-shell";
import { PermissionsProvider } from "@/components/shell/permissions";
import { whoAmI } from "@/lib/auth/me";
import { requirePageUser } from "@/lib/auth/page";
import { permissionsOf } from "@/lib/auth/permissions";
import { findServer } from "@/lib/config/servers";

export const dynamic = "force-dynamic";

export default async function ServerLayout({ children, params }: { children: ReactNode; params: Promise<{ server: string }> }) {
  const { server } = await params;
  if (!findServer(server)) notFound();
  const user = await requirePageUser("read", server);
  const me = whoAmI(user);
  // Only ids and display names reach the browser.
  const list = me.servers.map(({ id, name }) => ({ id, name }));
  const here = me.servers.find((s) => s.id === server);
  const consoleAdmin = permissionsOf(user.defaultRole).includes("admin");
  return (
    <Suspense>
      <PermissionsProvider permissions={here?.permissions ?? []}>
        <ConsoleShell
          server={server}
          servers={list}
          showAudit={consoleAdmin}
          extra={
            <>
              <span className="text-xs text-zinc-500" data-testid="whoami">
                {user.name} · {here?.role}
              </span>
              <LogoutButton />
            </>
          }
        >
          {children}
        </ConsoleShell>
      </PermissionsProvider>
    </Suspense>
  );
}
