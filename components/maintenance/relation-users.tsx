"use client";
import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { formatDuration } from "@/lib/format";
import { fetchRelationUsers } from "./api";

/** The sessions holding or awaiting a lock on the table now: what VACUUM FULL would wait for, then block. */
export function RelationUsersList({ server, db, relid }: { server: string; db: string | undefined; relid: number }) {
  const q = useQuery({ queryKey: ["relation-users", server, db ?? null, relid], queryFn: () => fetchRelationUsers(server, db, relid), refetchInterval: 3_000, retry: false });
  if (q.isError) return <p className="mb-2 text-sm text-red-700 dark:text-red-300">Could not read who uses the table: {(q.error as Error).message}</p>;
  if (!q.data) return <p className="mb-2 text-sm text-zinc-500">Reading who uses the table…</p>;
  const { relation, users } = q.data;
  return (
    <div className="mb-2 text-sm" data-testid="relation-users">
      <p className="font-medium">
        Sessions using <span className="font-mono">{relation ?? `OID ${relid} (gone)`}</span> now: {users.length}
      </p>
      {users.length > 0 && (
        <table className="w-full text-left text-xs">
          <thead className="text-zinc-500">
            <tr>
              <th className="pr-2">pid</th>
              <th className="pr-2">user</th>
              <th className="pr-2">application</th>
              <th className="pr-2">state</th>
              <th className="pr-2">in transaction for</th>
              <th className="pr-2">locks</th>
              <th>query</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.pid} className="border-t border-zinc-100 align-top dark:border-zinc-800" data-pid={u.pid}>
                <td className="pr-2 font-mono">{u.pid}</td>
                <td className="pr-2">{u.user}</td>
                <td className="pr-2">
                  {u.application} {u.console && <Badge>pgwarden</Badge>}
                </td>
                <td className="pr-2">{u.state}</td>
                <td className="pr-2">{formatDuration(u.xactAgeMs)}</td>
                <td className="pr-2">
                  {u.modes.join(", ")} {!u.granted && <Badge tone="yellow">waiting</Badge>}
                </td>
                <td className="max-w-xs truncate font-mono" title={u.query ?? ""}>
                  {u.query}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
