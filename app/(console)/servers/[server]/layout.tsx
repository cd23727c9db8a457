import { Suspense, type ReactNode } from "react";
import { LogoutButton } from "@/components/auth/logout-button";
import { ConsoleShell } from "@/components/shell/console-shell";
import { PermissionsProvider } from "@/components/shell/permissions";
import { whoAmI } from "@/lib/auth/me";
import { requireServerPageUser } from "@/lib/auth/page";
import { permissionsOf } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function ServerLayout({ children, params }: { children: ReactNode; params: Promise<{ server: string }> }) {
  const { server } = await params;
  // Session first, then "known and visible to this user" (404 alike), then the permission.
  const user = await requireServerPageUser(server);
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
