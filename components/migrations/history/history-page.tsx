"use client";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Freshness } from "@/components/ui/freshness";
import { fetchJson } from "@/lib/queries/fetch-json";
import { usePolled } from "@/lib/queries/use-polled";
import { MigrationHistoryResponse, type MigrationTool } from "@/lib/schemas/migrations";
import { ProblemBanner } from "./problem-banner";
import { ToolPanel } from "./tool-panel";

// History tables change only on deploys: a slow poll is plenty and keeps catalog work low.
const POLL_MS = 15_000;

function historyUrl(server: string, db: string | null): string {
  return `/api/servers/${encodeURIComponent(server)}/migrations${db ? `?db=${encodeURIComponent(db)}` : ""}`;
}

/** Panels with failed or dirty rows first, the rest in the server's (schema, table) order. */
function withProblemsFirst(tools: MigrationTool[]): MigrationTool[] {
  const bad = (t: MigrationTool) => t.entries.some((e) => e.state === "failed" || e.state === "dirty");
  return [...tools.filter(bad), ...tools.filter((t) => !bad(t))];
}

export function MigrationHistoryPage({ server }: { server: string }) {
  const db = useSearchParams().get("db");
  const q = usePolled(["migrations", "history", server, db], () => fetchJson(historyUrl(server, db), MigrationHistoryResponse), {
    intervalMs: POLL_MS,
  });
  const data = q.data;
  const lintHref = `/servers/${encodeURIComponent(server)}/migrations/lint${db ? `?db=${encodeURIComponent(db)}` : ""}`;

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">
          Migrations
          {data && <span className="ml-2 text-sm font-normal text-zinc-500">in {data.database ?? "the server's default database"}</span>}
        </h1>
        <div className="flex items-center gap-3">
          <Link href={lintHref} className="text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-400">
            Lint a migration →
          </Link>
          <Freshness updatedAt={q.dataUpdatedAt || undefined} error={q.error} paused={q.paused} onTogglePause={() => q.setPaused(!q.paused)} />
        </div>
      </div>
      {data ? (
        <>
          <ProblemBanner problems={data.problems} />
          {data.tools.length === 0 ? (
            <p data-testid="no-migration-tool" className="rounded border border-dashed border-zinc-300 px-3 py-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
              No migration tool found in this database. pgwarden looks for the history tables of Flyway, Liquibase, Alembic, Django,
              Rails, dbmate, Prisma, Knex, node-pg-migrate, Sequelize, TypeORM, Drizzle, goose, golang-migrate, sqlx, Diesel, Ecto,
              Sqitch, Atlas, graphile-migrate, Kysely, MikroORM and others, in every schema and under any table name. Pick another
              database above if the application keeps its schema elsewhere.
            </p>
          ) : (
            withProblemsFirst(data.tools).map((t) => <ToolPanel key={`${t.schema}.${t.table}`} tool={t} now={data.readAt} />)
          )}
          {data.omittedTables > 0 && (
            <p className="text-xs text-zinc-500">{data.omittedTables} more history tables were found and not read (too many to show at once).</p>
          )}
        </>
      ) : q.isError ? null : (
        <div className="text-sm text-zinc-500">Loading…</div>
      )}
    </div>
  );
}
