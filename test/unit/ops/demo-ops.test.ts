import { afterEach, describe, expect, it, vi } from "vitest";
import { startDemoStandby } from "@/lib/cli/demo-ops";
import { freePort, type Cluster } from "@/lib/embedded/cluster";

// The demo starts without a part it cannot have, saying so in one line (issue 14).
describe("demo operations parts", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a standby that cannot be made is one printed line and no standby; the primary is left alone", async () => {
    const port = await freePort(); // nothing listens there: the slot cannot be created
    const stop = vi.fn(async () => {});
    const cluster: Cluster = {
      major: 18,
      port,
      dataDir: "/nonexistent",
      settings: {},
      url: (db = "postgres") => `postgres://postgres:x@127.0.0.1:${port}/${db}`,
      stop,
      restart: vi.fn(async () => {}),
      destroy: vi.fn(async () => {}),
    };
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await startDemoStandby(cluster, "/nonexistent")).toBeNull();
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]![0])).toMatch(/^pgwarden demo: no standby \(.+\); the replication page shows the primary alone\.$/);
    expect(stop).not.toHaveBeenCalled();
  });
});
