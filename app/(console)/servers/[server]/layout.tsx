import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { requirePageUser } from "@/lib/auth/page";
import { findServer } from "@/lib/config/servers";

export const dynamic = "force-dynamic";

/** A server's pages: the server must be configured and readable by the user (the shell is the console layout's). */
export default async function ServerLayout({ children, params }: { children: ReactNode; params: Promise<{ server: string }> }) {
  const { server } = await params;
  if (!findServer(server)) notFound();
  await requirePageUser("read", server);
  return children;
}
