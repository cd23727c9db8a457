import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { resetEnvCache } from "@/lib/config/env";
import { findServer, resetServerRegistry } from "@/lib/config/servers";

function useFile(entries: unknown) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-servers-unit-")), "servers.json");
  fs.writeFileSync(file, JSON.stringify(entries));
  process.env.PGWARDEN_SERVERS = file;
  resetEnvCache();
  resetServerRegistry();
}

describe("servers file: pooler and directUrl", () => {
  afterEach(() => {
    delete process.env.PGWARDEN_SERVERS;
    resetEnvCache();
    resetServerRegistry();
  });
  test("an entry may declare PgBouncer in front and a direct URL for jobs", () => {
    useFile([{ id: "prod", name: "Prod", url: "postgres://u:p@bouncer:6432/app", pooler: "pgbouncer", directUrl: "postgres://u:p@db:5432/app" }]);
    expect(findServer("prod")).toMatchObject({ pooler: "pgbouncer", directUrl: "postgres://u:p@db:5432/app" });
  });
  test("both are optional", () => {
    useFile([{ id: "plain", name: "Plain", url: "postgres://u:p@db:5432/app" }]);
    expect(findServer("plain")?.pooler).toBeUndefined();
    expect(findServer("plain")?.directUrl).toBeUndefined();
  });
  test("a wrong pooler or a directUrl that is not a postgres URL names the field, never the value", () => {
    useFile([{ id: "bad", name: "Bad", url: "postgres://u:p@db/app", pooler: "odyssey", directUrl: "mysql://u:secret-pw@db/app" }]);
    let message = "";
    try {
      findServer("bad");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/servers\[0\]\.pooler/);
    expect(message).toMatch(/servers\[0\]\.directUrl: must be a postgres:\/\//);
    expect(message).not.toContain("secret-pw");
  });
});
