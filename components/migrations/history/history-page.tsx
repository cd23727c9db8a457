"use client";
import Link from "next/link";
import { PageHeader } from "@/components/ui/freshness";
import { useMigrationHistory } from "@/lib/queries/migrations";
import { useUrlState } from "@/lib/queries/url-state";
import { DatabaseQuery } from "@/lib/schemas/servers";
import type { MigrationTool } from "@/lib/schemas/migrations";
import { ProblemBanner } from "./problem-banner";
import { ToolPanel } from "./tool-panel";

/** Panels with failed or dirty rows first, the rest in the server's (schema, table) order. */
function withProblemsFirst(tools: MigrationTool[]): MigrationTool[] {
  const bad = (t: MigrationTool) => t.entries.some((e) => e.state === "failed" || e.state === "dirty");
  return [...tools.filter(bad), ...tools.filter((t) => !bad(t))];
}

export function MigrationHistoryPage({ server }: { server: string }) {
  const { db } = useUrlState(DatabaseQuery).query;
  const q = useMigrationHistory(server, db);
  const data = q.data;
  const lintHref = `/servers/${encodeURIComponent(server)}/migrations/lint${db ? `?db=${encodeURIComponent(db)}` : ""}`;

  return (
    <div className="flex flex-col gap-3">
      <PageHeader
        title={
          <>
            Migrations
            {data && <span className="ml-2 text-sm font-normal text-zinc-500">in {data.database ?? "the server's default database"}</span>}
          </>
        }
        poll={q}
        right={
          <Link href={lintHref} className="text-sm text-blue-700 underline-offset-2 hover:underline dark:text-blue-400">
            Lint a migration →
          </Link>
        }
      />
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
