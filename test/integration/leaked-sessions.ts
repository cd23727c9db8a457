// One failure must stay one failure. A test that fails half-way leaves its sessions behind: a
// `pg_sleep(600)` still holds the cluster's xmin horizon (so another file's VACUUM FREEZE never
// gets young) and an open transaction still holds its locks. Ending the client is not enough, a
// sleeping backend does not notice its socket closing: terminate them, as the superuser, at once.
import { beforeEach } from "vitest";
import { pgServers, recordOpenedSessions } from "../helpers/pg";
import { withClient } from "../helpers/storage-fixtures";

beforeEach((ctx) => {
  const opened = recordOpenedSessions();
  ctx.onTestFailed(async () => {
    for (const server of pgServers()) {
      // Only sessions not ended yet: an ended one's pid may already belong to another file's session.
      const pids = [...opened].filter((o) => o.port === server.port).map((o) => o.pid);
      if (!pids.length) continue;
      await withClient(server.url, (admin) => admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ANY($1)", [pids]));
    }
  });
});
