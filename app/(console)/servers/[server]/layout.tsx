import type { ReactNode } from "react";
import { requireServerPageUser } from "@/lib/auth/page";

export const dynamic = "force-dynamic";

/**
 * A server's pages: signed in first, then the server must be configured AND visible to the user
 * (a hidden one is a 404 exactly like an unknown id). The shell is the console layout's.
 */
export default async function ServerLayout({ children, params }: { children: ReactNode; params: Promise<{ server: string }> }) {
  const { server } = await params;
  await requireServerPageUser(server);
  return children;
}
