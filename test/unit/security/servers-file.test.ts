// Issue 8, item 6 (part): errors about the servers file name the field and the problem, never the
// file's content (which holds passwords) nor its path. JSON.parse's own message quotes the text.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { resetEnvCache } from "@/lib/config/env";
import { resetServerRegistry, servers } from "@/lib/config/servers";

const SECRET = "Sekrit-Pw-4242";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-servers-file-secret-dir-"));

function errorFor(content: string | undefined): string {
  const file = path.join(dir, "servers.json");
  fs.rmSync(file, { force: true });
  if (content !== undefined) fs.writeFileSync(file, content);
  process.env.PGWARDEN_SERVERS = file;
  resetEnvCache();
  resetServerRegistry();
  try {
    servers();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error("expected the registry to refuse the file");
}

afterEach(() => {
  delete process.env.PGWARDEN_SERVERS;
  resetEnvCache();
  resetServerRegistry();
});

describe("servers file errors", () => {
  test("malformed JSON: where, never what", () => {
    const msg = errorFor(`[\n  {"id": "prod", "name": "Prod", "url": "postgres://admin:${SECRET}@db.internal/app"\n  oops\n]`);
    expect(msg).toMatch(/PGWARDEN_SERVERS/);
    expect(msg).toMatch(/not valid JSON \(line 3, column 3\)/);
    for (const leak of [SECRET, "postgres://", "db.internal", "oops", dir]) expect(msg).not.toContain(leak);
  });

  test("a valid file with bad entries: the field and the rule, never the value", () => {
    const msg = errorFor(JSON.stringify([{ id: "Bad Id", name: "x", url: `mysql://root:${SECRET}@h/db` }, { id: "ok", name: "", url: 42 }]));
    expect(msg).toMatch(/servers\[0\]\.id: ids are lower-case/);
    expect(msg).toMatch(/servers\[0\]\.url: must be a postgres:\/\//);
    expect(msg).toMatch(/servers\[1\]\.name/);
    expect(msg).toMatch(/servers\[1\]\.url/);
    for (const leak of [SECRET, "Bad Id", "mysql", dir]) expect(msg).not.toContain(leak);
  });

  test("a duplicate id and a missing file: no path, no content", () => {
    const url = `postgres://u:${SECRET}@h/db`;
    const dup = errorFor(JSON.stringify([{ id: "a", name: "A", url }, { id: "a", name: "B", url }]));
    expect(dup).toMatch(/servers\[1\]\.id: the same id as servers\[0\]\.id/);
    expect(dup).not.toContain(SECRET);
    const missing = errorFor(undefined);
    expect(missing).toMatch(/PGWARDEN_SERVERS\) does not exist/);
    expect(missing).not.toContain(dir);
  });
});
