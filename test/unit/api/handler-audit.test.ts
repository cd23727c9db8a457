import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { handler } from "@/lib/api/handler";

afterEach(() => vi.restoreAllMocks());

describe("handler: an action route cannot forget its audit", () => {
  it("a POST route without an audit declaration is a programming error: 500 with a request id, logged, nothing run", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const fn = vi.fn(async () => ({}));
    const POST = handler({ permission: "cancel", response: z.object({}) }, fn);
    const res = await POST(new Request("http://c.test/api/servers/x/thing", { method: "POST", body: "{}" }), { params: Promise.resolve({}) });
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-request-id")).toBe(body.error.requestId);
    expect(fn).not.toHaveBeenCalled();
    expect(String(log.mock.calls[0]?.[0])).toContain(body.error.requestId);
    expect(String(log.mock.calls[0]?.[0])).toContain("declares no audit action");
  });
});
