import "server-only";
import type pg from "pg";
import { findServer } from "@/lib/config/servers";
import { maintenanceConnectionConfig } from "@/lib/pg/maintenance";
import { urlForDatabase, type Target } from "@/lib/pg/pools";

/**
 * The runner's connection settings, pointed at the job's database. pg lets the connection
 * string's path win over a separate `database` field, so the URL itself names the database
 * (as pools.ts does); without this every job would run in the URL's default database.
 */
export function jobConnectionConfig(target: Target): pg.ClientConfig {
  const server = findServer(target.server);
  if (!server) throw new Error(`unknown server ${target.server}`);
  const { database: _ignored, ...config } = maintenanceConnectionConfig(target);
  return { ...config, connectionString: urlForDatabase(server.url, target.database) };
}
