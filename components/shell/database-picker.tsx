"use client";
import { useQuery } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { fetchJson } from "@/lib/queries/fetch-json";
import { DatabasesResponse } from "@/lib/schemas/servers";

/** Per-database pages (tables, indexes, migrations) read `?db=`; the choice travels in the URL. */
export function DatabasePicker({ server, value }: { server: string; value: string | null }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const { data } = useQuery({
    queryKey: ["databases", server],
    queryFn: () => fetchJson(`/api/servers/${server}/databases`, DatabasesResponse),
    staleTime: 60_000,
  });
  const choose = (db: string) => {
    const next = new URLSearchParams(params);
    if (db) next.set("db", db);
    else next.delete("db");
    router.push(`${pathname}?${next.toString()}`);
  };
  return (
    <label className="flex items-center gap-1 text-sm">
      <span className="text-zinc-500">database</span>
      <select
        aria-label="Database"
        value={value ?? ""}
        onChange={(e) => choose(e.target.value)}
        className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700"
      >
        <option value="">(server default)</option>
        {data?.databases.map((d) => (
          <option key={d.name} value={d.name}>
            {d.name}
          </option>
        ))}
      </select>
    </label>
  );
}
