import type { ReactNode } from "react";
import { requireServerPageUser } from "@/lib/auth/page";
import { findPgbouncer } from "@/lib/config/servers";

export const dynamic = "force-dynamic";

/**
 * A server's pages: signed in first, then the server must be configured AND visible to the user
 * (a hidden one is a 404 exactly like an unknown id). The shell is the console layout's.
 */
export default async function ServerLayout({ children, params }: { children: ReactNode; params: Promise<{ server: string }> }) {
  const { server } = await params;
  // A PgBouncer entry has one page of its own (pgbouncer); its id is not a PostgreSQL server's.
  await requireServerPageUser(server, "read", findPgbouncer(server) ? "pgbouncer" : "postgres");
  return children;
}
