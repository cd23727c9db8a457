import { notFound } from "next/navigation";
import { Suspense, type ReactNode } from "react";
import { ConsoleShell } from "@/components/shell/console-shell";
import { findServer, servers } from "@/lib/config/servers";

export const dynamic = "force-dynamic";

export default async function ServerLayout({ children, params }: { children: ReactNode; params: Promise<{ server: string }> }) {
  const { server } = await params;
  if (!findServer(server)) notFound();
  // Only ids and display names reach the browser.
  const list = servers().map(({ id, name }) => ({ id, name }));
  return (
    <Suspense>
      <ConsoleShell server={server} servers={list}>
        {children}
      </ConsoleShell>
    </Suspense>
  );
}
