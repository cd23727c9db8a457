import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/config/env";
import { findPgbouncer, findServer, pgbouncers, resetServerRegistry, servers } from "@/lib/config/servers";

function useFile(entries: unknown) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-servers-")), "servers.json");
  fs.writeFileSync(file, JSON.stringify(entries));
  process.env.PGWARDEN_SERVERS = file;
  resetEnvCache();
  resetServerRegistry();
}

const saved = process.env.PGWARDEN_SERVERS;
afterEach(() => {
  if (saved === undefined) delete process.env.PGWARDEN_SERVERS;
  else process.env.PGWARDEN_SERVERS = saved;
  resetEnvCache();
  resetServerRegistry();
});

const BOUNCER = { id: "bouncer", name: "PgBouncer", kind: "pgbouncer", url: "postgres://stats:pw@10.0.0.5:6432/pgbouncer" };

describe("servers file with PgBouncer entries", () => {
  it("keeps PgBouncer entries apart from PostgreSQL servers; a PostgreSQL entry may name its PgBouncer and its cores", () => {
    useFile([{ id: "main", name: "Main", url: "postgres://u:p@db/app", pgbouncer: "bouncer", cores: 8 }, BOUNCER]);
    expect(servers().map((s) => s.id)).toEqual(["main"]);
    expect(findServer("bouncer")).toBeUndefined();
    expect(findServer("main")).toMatchObject({ pgbouncer: "bouncer", cores: 8 });
    expect(pgbouncers().map((b) => b.id)).toEqual(["bouncer"]);
    expect(findPgbouncer("bouncer")).toMatchObject({ kind: "pgbouncer" });
    expect(findPgbouncer("main")).toBeUndefined();
  });
  it("a PgBouncer URL must name the admin console database; errors name the field, never the value", () => {
    useFile([{ id: "main", name: "Main", url: "postgres://u:p@db/app" }, { ...BOUNCER, url: "postgres://stats:s3cret@10.0.0.5:6432/shop" }]);
    expect(() => servers()).toThrow(/servers\[1\]\.url: must name the admin console database/);
    expect(() => servers()).not.toThrow(/s3cret/);
  });
  it("a link to a missing or non-PgBouncer entry, and an id used twice across kinds, are refused", () => {
    useFile([{ id: "main", name: "Main", url: "postgres://u:p@db/app", pgbouncer: "nope" }]);
    expect(() => servers()).toThrow(/names pgbouncer "nope"/);
    useFile([{ id: "main", name: "Main", url: "postgres://u:p@db/app", pgbouncer: "other" }, { id: "other", name: "Other", url: "postgres://u:p@db2/app" }]);
    expect(() => servers()).toThrow(/names pgbouncer "other"/);
    useFile([{ id: "main", name: "Main", url: "postgres://u:p@db/app" }, { ...BOUNCER, id: "main" }]);
    expect(() => servers()).toThrow(/servers\[1\]\.id: the same id as servers\[0\]\.id/);
  });
  it("cores must be a positive whole number", () => {
    useFile([{ id: "main", name: "Main", url: "postgres://u:p@db/app", cores: 0 }]);
    expect(() => servers()).toThrow(/servers\[0\]\.cores/);
  });
});
