// Issue 8, item 3: sign-in that strangers cannot deny. Back-off per (address, user), a cap per
// address, no lock on a name that anyone elsewhere can trigger, a global cap on concurrent
// password hashes (429 + Retry-After), X-Forwarded-For believed only across trusted hops, the audit
// row with the same address, and throttle rows pruned.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dummyHash, verifyPassword } from "@/lib/auth/password";
import { resetEnvCache } from "@/lib/config/env";
import { auditRows } from "@/lib/store/audit-log";
import { pruneThrottle } from "@/lib/store/throttle";
import { connect, pgServers } from "../helpers/pg";
import { addUser, callRoute, PASSWORD, teardownTestConsole, useTestConsole } from "../helpers/store";

describe.each(pgServers())("PG $major", (s) => {
  let storeUrl: string;

  beforeAll(async () => {
    process.env.PGWARDEN_TRUSTED_PROXIES = "1";
    process.env.PGWARDEN_LOGIN_MAX_FAILURES_PER_ADDRESS = "5";
    ({ storeUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `sec_signin_store_${s.major}`, servers: [{ id: "one", url: s.url }] }));
    await addUser("admin", "admin");
  });
  afterAll(async () => {
    delete process.env.PGWARDEN_TRUSTED_PROXIES;
    delete process.env.PGWARDEN_LOGIN_MAX_FAILURES_PER_ADDRESS;
    resetEnvCache();
    await teardownTestConsole();
  });

  const login = () => import("@/app/api/auth/login/route");
  const attempt = async (name: string, password: string, headers: Record<string, string>) =>
    callRoute(await login(), "POST", "/api/auth/login", { body: { name, password }, headers });
  const from = (address: string) => ({ "x-forwarded-for": address });

  test("1,000 wrong passwords for admin from one address do not stop admin signing in from another", async () => {
    const statuses: Record<number, number> = {};
    // Ten at a time, as a script would.
    for (let i = 0; i < 1_000; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => attempt("admin", `wrong password number ${i + j}`, from("198.51.100.7"))));
      for (const res of batch) statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
    // A handful were checked; the rest were turned away without hashing.
    expect(statuses[401]).toBeGreaterThanOrEqual(5);
    expect(statuses[429]).toBeGreaterThan(900);
    expect((await attempt("admin", PASSWORD, from("198.51.100.7"))).status).toBe(429);
    const elsewhere = await attempt("admin", PASSWORD, from("203.0.113.9"));
    expect(elsewhere.status).toBe(200);
  }, 180_000);

  test("400 parallel sign-ins with random names: the excess gets 429 + Retry-After, and the real admin is in within 2 s", async () => {
    // The admin waits for at most the hashes already running, then its own: a few hash times.
    // 2 s is ~20 of them on an idle 2-core machine; where other work slows one hash down, the
    // budget is 10 hash times (the old code made the admin wait for all 400: ~100 hash times).
    const t = performance.now();
    await verifyPassword("x", dummyHash());
    const oneHashMs = performance.now() - t;
    const budget = Math.max(2_000, 10 * oneHashMs);
    const flood = Array.from({ length: 400 }, (_, i) =>
      attempt(`nobody-${randomUUID()}`, "guess guess guess guess", from(`10.${(i >> 8) & 255}.${i & 255}.${1 + (i % 200)}`)),
    );
    const started = performance.now();
    let admin: Response;
    // A person (or the login form) tries again when told to; here every 200 ms.
    for (;;) {
      admin = await attempt("admin", PASSWORD, from("203.0.113.50"));
      if (admin.status !== 429) break;
      expect(admin.headers.get("retry-after")).toBeTruthy();
      await new Promise((r) => setTimeout(r, 200));
    }
    const elapsed = performance.now() - started;
    expect(admin.status).toBe(200);
    expect(elapsed, `one hash took ${Math.round(oneHashMs)} ms`).toBeLessThan(budget);
    const results = await Promise.all(flood);
    const busy = results.filter((r) => r.status === 429);
    expect(busy.length).toBeGreaterThan(200);
    for (const r of busy) expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(results.every((r) => r.status === 401 || r.status === 429)).toBe(true);
  }, 120_000);

  test("X-Forwarded-For is believed across the trusted hops only; junk never bypasses; the audit row has the same address", async () => {
    await addUser("traveller", "viewer");
    const clientOf = async (headers: Record<string, string>) => {
      expect((await attempt("traveller", PASSWORD, headers)).status).toBe(200);
      const [row] = await auditRows({ user: "traveller", action: "login", outcome: "ok", limit: 1 });
      return row?.client;
    };
    // One trusted proxy: the entry it appended, not what the client wrote before it.
    expect(await clientOf({ "x-forwarded-for": "6.6.6.6, 198.51.100.23", "x-pgwarden-peer": "10.1.2.3" })).toBe("198.51.100.23");
    // A non-address where the client's address belongs: the socket's peer, never the text.
    expect(await clientOf({ "x-forwarded-for": "<script>alert(1)</script>", "x-pgwarden-peer": "10.1.2.3" })).toBe("10.1.2.3");
    // No trusted proxy: X-Forwarded-For is ignored entirely.
    process.env.PGWARDEN_TRUSTED_PROXIES = "0";
    resetEnvCache();
    try {
      expect(await clientOf({ "x-forwarded-for": "198.51.100.99", "x-pgwarden-peer": "::ffff:192.0.2.5" })).toBe("192.0.2.5");
      // Without any address at all: the "unknown" bucket, which is throttled like an address.
      for (let i = 0; i < 5; i++) await attempt(`ghost${i}`, "guess guess guess", { "x-forwarded-for": `1.1.1.${i}` });
      const res = await attempt("traveller", PASSWORD, { "x-forwarded-for": "9.9.9.9" });
      expect(res.status).toBe(429);
      const [denied] = await auditRows({ action: "login", outcome: "denied", limit: 1 });
      expect(denied).toMatchObject({ client: "unknown", params: { user: "ghost4" } });
    } finally {
      process.env.PGWARDEN_TRUSTED_PROXIES = "1";
      resetEnvCache();
    }
  }, 120_000);

  test("throttle rows that throttle nothing any more are pruned", async () => {
    const c = await connect(storeUrl);
    try {
      await c.query(`INSERT INTO login_throttle (key, failures, first_failure_at, last_failure_at, blocked_until)
                     VALUES ('pair:192.0.2.200 old', 9, now() - interval '2 days', now() - interval '2 days', now() - interval '1 day'),
                            ('addr:192.0.2.200', 30, now() - interval '2 days', now() - interval '2 days', NULL),
                            ('addr:192.0.2.201', 30, now(), now(), now() + interval '10 minutes')`);
      expect(await pruneThrottle()).toBeGreaterThanOrEqual(2);
      const { rows } = await c.query(`SELECT key FROM login_throttle WHERE key LIKE '%192.0.2.20%' ORDER BY key`);
      expect(rows.map((r) => r.key)).toEqual(["addr:192.0.2.201"]);
    } finally {
      await c.end();
    }
  });
});
