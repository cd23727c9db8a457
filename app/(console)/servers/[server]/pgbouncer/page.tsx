import { redirect } from "next/navigation";
import { PgbouncerPage } from "@/components/pgbouncer/pgbouncer-page";
import { requirePageUser, requireServerPageUser } from "@/lib/auth/page";
import { can } from "@/lib/auth/permissions";
import { findPgbouncer, findServer } from "@/lib/config/servers";

export default async function Page({ params }: { params: Promise<{ server: string }> }) {
  const { server } = await params;
  if (findPgbouncer(server)) {
    await requireServerPageUser(server, "read", "pgbouncer");
    return <PgbouncerPage server={server} />;
  }
  // From a PostgreSQL server's nav: its PgBouncer's page, when it names one the user may read.
  await requireServerPageUser(server);
  const user = await requirePageUser();
  const linked = findServer(server)?.pgbouncer;
  if (linked && findPgbouncer(linked) && can(user, linked, "read")) redirect(`/servers/${encodeURIComponent(linked)}/pgbouncer`);
  return (
    <section className="flex flex-col gap-2" data-testid="pgbouncer-none">
      <h1 className="text-lg font-semibold">PgBouncer</h1>
      <p className="text-sm">
        No PgBouncer is linked to this server. Add an entry <code>{`{"id": "…", "kind": "pgbouncer", "url": "postgres://stats_user@host:6432/pgbouncer"}`}</code> to the servers file and{" "}
        <code>{`"pgbouncer": "<its id>"`}</code> to this server&apos;s entry.
      </p>
    </section>
  );
}
