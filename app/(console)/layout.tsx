import type { ReactNode } from "react";
import { ConsoleShell } from "@/components/shell/console-shell";
import { whoAmI } from "@/lib/auth/me";
import { requirePageUser } from "@/lib/auth/page";
import { permissionsOf } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

/** Every console page, the audit log included, keeps the same header and navigation. */
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  const me = whoAmI(user);
  // Only ids, display names, roles and permissions reach the browser.
  const servers = me.servers.map(({ id, name, role, permissions }) => ({ id, name, role, permissions }));
  // No Suspense boundary here: an unknown server id must answer 404 before anything is streamed.
  return (
    <ConsoleShell servers={servers} user={user.name} showAudit={permissionsOf(user.defaultRole).includes("admin")}>
      {children}
    </ConsoleShell>
  );
}
