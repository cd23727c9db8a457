import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";

// Prometheus scrapes /metrics with a bearer token and no cookie: the proxy must not send it to /login.
describe("proxy and /metrics", () => {
  it("passes /metrics through without a session cookie, but still redirects pages", () => {
    const metrics = proxy(new NextRequest("http://console.test/metrics"));
    expect(metrics.headers.get("location")).toBeNull();
    expect(metrics.headers.get("x-middleware-next")).toBe("1");
    expect(metrics.headers.get("x-content-type-options")).toBe("nosniff");
    const page = proxy(new NextRequest("http://console.test/metrics-page"));
    expect(page.headers.get("location")).toMatch(/\/login/);
  });
});
