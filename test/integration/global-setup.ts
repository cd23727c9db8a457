// Starts PostgreSQL 18 and 14 once for the whole integration run; tests get their URLs by inject().
import type { TestProject } from "vitest/node";
import { startCluster, type Cluster } from "../../lib/embedded/cluster";

declare module "vitest" {
  export interface ProvidedContext {
    /** Superuser URLs of the `postgres` database, one per major version under test. */
    pgServers: { major: number; url: string; port: number }[];
  }
}

let clusters: Cluster[] = [];

export default async function setup(project: TestProject) {
  clusters = await Promise.all([startCluster({ major: 18 }), startCluster({ major: 14 })]);
  project.provide(
    "pgServers",
    clusters.map((c) => ({ major: c.major, url: c.url(), port: c.port })),
  );
  return async () => {
    await Promise.all(clusters.map((c) => c.destroy()));
  };
}
