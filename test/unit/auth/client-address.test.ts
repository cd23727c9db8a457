// Issue 8, item 3: X-Forwarded-For is believed only across PGWARDEN_TRUSTED_PROXIES hops (the
// right-most untrusted entry); a value that is not an address never counts; the socket's peer
// (stamped by lib/auth/peer-address.ts) or the "unknown" bucket is used instead.
import http from "node:http";
import { afterEach, describe, expect, test } from "vitest";
import { clientAddress, normaliseAddress, UNKNOWN_CLIENT } from "@/lib/auth/client-address";
import { recordPeerAddresses } from "@/lib/auth/peer-address";
import { PEER_HEADER } from "@/lib/auth/peer-header";
import { resetEnvCache } from "@/lib/config/env";

const req = (headers: Record<string, string>) => new Request("http://console.test/api/auth/login", { headers });
const withProxies = (n: number) => {
  process.env.PGWARDEN_TRUSTED_PROXIES = String(n);
  resetEnvCache();
};

afterEach(() => {
  delete process.env.PGWARDEN_TRUSTED_PROXIES;
  resetEnvCache();
});

describe("client address", () => {
  test("no trusted proxy: X-Forwarded-For is ignored, the socket's peer counts", () => {
    withProxies(0);
    expect(clientAddress(req({ "x-forwarded-for": "1.1.1.1", [PEER_HEADER]: "192.0.2.7" }))).toBe("192.0.2.7");
    expect(clientAddress(req({ "x-forwarded-for": "1.1.1.1" }))).toBe(UNKNOWN_CLIENT);
    expect(clientAddress(req({ [PEER_HEADER]: "::ffff:127.0.0.1" }))).toBe("127.0.0.1");
  });

  test("N trusted proxies: the Nth entry from the right, whatever the client put before it", () => {
    withProxies(1);
    expect(clientAddress(req({ "x-forwarded-for": "6.6.6.6, 2.2.2.2", [PEER_HEADER]: "10.0.0.1" }))).toBe("2.2.2.2");
    withProxies(2);
    expect(clientAddress(req({ "x-forwarded-for": "6.6.6.6, 1.1.1.1, 2.2.2.2", [PEER_HEADER]: "10.0.0.1" }))).toBe("1.1.1.1");
    // Fewer entries than hops: the request did not come through every proxy; the peer is what we know.
    expect(clientAddress(req({ "x-forwarded-for": "2.2.2.2", [PEER_HEADER]: "10.0.0.1" }))).toBe("10.0.0.1");
  });

  test("a value that is not an address never becomes the address, nor removes the limit", () => {
    withProxies(1);
    for (const junk of ["<script>", "unknown", "", "  ", "1.2.3", "999.1.1.1", "2001:db8::zz", "admin' --", "a".repeat(300)]) {
      expect(clientAddress(req({ "x-forwarded-for": `1.1.1.1, ${junk}`, [PEER_HEADER]: "10.0.0.9" })), junk).toBe("10.0.0.9");
      expect(clientAddress(req({ "x-forwarded-for": `1.1.1.1, ${junk}` })), junk).toBe(UNKNOWN_CLIENT);
    }
  });

  test("addresses are normalised: ports, brackets, v4-mapped, zone ids, case", () => {
    expect(normaliseAddress("203.0.113.5:4711")).toBe("203.0.113.5");
    expect(normaliseAddress("[2001:DB8::1]:443")).toBe("2001:db8::1");
    expect(normaliseAddress("::ffff:198.51.100.1")).toBe("198.51.100.1");
    expect(normaliseAddress("fe80::1%eth0")).toBe("fe80::1");
    expect(normaliseAddress("not an address")).toBeUndefined();
  });

  test("the peer header is stamped from the socket and overwrites a client's own copy", async () => {
    recordPeerAddresses();
    const server = http.createServer((r, res) => res.end(String(r.headers[PEER_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { [PEER_HEADER]: "6.6.6.6" } });
      expect(normaliseAddress(await res.text())).toBe("127.0.0.1");
    } finally {
      server.close();
    }
  });
});
