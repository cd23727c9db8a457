// B4: a canary password in a server's connection string appears in no API response, no log line
// and no audit row — for a working server and for one whose password is wrong.
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { connect, pgServers, withDatabase } from "../helpers/pg";
import { addUser, callRoute, METHODS, routeFiles, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";
import { auditRows } from "@/lib/store/audit-log";

const CANARY = "Canary-7f3e9b2a-Pw";
const ROLE = "sec_secrets_console";

describe.each(pgServers())("PG $major", (s) => {
  const logged: string[] = [];
  const capture = (...args: unknown[]) => void logged.push(args.map(String).join(" "));

  beforeAll(async () => {
    const admin = await connect(s.url);
    await admin.query(`DO $$ BEGIN CREATE ROLE ${ROLE} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    await admin.query(`ALTER ROLE ${ROLE} PASSWORD '${CANARY}'`);
    await admin.query(`GRANT pg_monitor TO ${ROLE}`);
    await admin.end();
    const good = new URL(withDatabase(s.url, "postgres"));
    good.username = ROLE;
    good.password = CANARY;
    const bad = new URL(good);
    bad.password = `${CANARY}-wrong`;
    await useTestConsole({
      storeServerUrl: s.url,
      storeName: `sec_secrets_store_${s.major}`,
      servers: [
        { id: "good", url: good.toString() },
        { id: "bad", url: bad.toString() },
      ],
    });
    await addUser("sekrit", "admin");
    for (const m of ["log", "error", "warn", "info", "debug"] as const) vi.spyOn(console, m).mockImplementation(capture);
    vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (capture(chunk), true));
    vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (capture(chunk), true));
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await teardownTestConsole();
  });

  test("no route answer, log line or audit row carries the password", async () => {
    const cookie = await signIn("sekrit");
    const bodies: string[] = [];
    const statuses: Record<string, number> = {};
    for (const server of ["good", "bad"]) {
      for (const r of routeFiles(server)) {
        const mod = await import(/* @vite-ignore */ r.file);
        for (const method of METHODS.filter((m) => typeof mod[m] === "function")) {
          if (r.urlPath === "/api/auth/logout" || r.urlPath === "/api/auth/password") continue; // keep the session
          const res = await callRoute(mod, method, r.urlPath, { cookie, params: r.params, body: {} });
          statuses[`${method} ${r.urlPath}`] = res.status;
          bodies.push(JSON.stringify([...res.headers]), await res.text());
        }
      }
    }
    // The routes really ran against both servers (a 200 from the good one, an error from the bad one).
    expect(statuses["GET /api/servers/good/server-info"]).toBe(200);
    expect(statuses["GET /api/servers/bad/server-info"]).toBeGreaterThanOrEqual(500);
    const everything = [...bodies, ...logged, JSON.stringify(await auditRows({ limit: 500 }))].join("\n");
    expect(everything).toContain(`"versionNum":${s.major}`); // the bodies are real answers
    expect(everything).not.toContain(CANARY);
    expect(everything).not.toContain(ROLE + ":");
  });
});
