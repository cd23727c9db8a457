import "server-only";
import { store } from "./db";
import { logFailure } from "@/lib/log";

// Rows of action_requests (migration 1767571200000): one per (user, request id), claimed before the
// action runs and finished with its response. Shared by replicas and kept across restarts; 24 h.

export interface ActionKey {
  userId: number;
  requestId: string;
  server: string;
  action: string;
  /** what the action is aimed at, as text (sessions, a relation, a job) */
  target: string;
}

export type Claim =
  | { kind: "claimed" }
  | { kind: "done"; response: unknown }
  | { kind: "running"; stale: boolean }
  | { kind: "failed" }
  | { kind: "different" };

const TTL = /* sql */ `interval '24 hours'`;
// A claim still 'running' after this long belongs to a process that died mid-action.
const STALE = /* sql */ `interval '2 minutes'`;

const EXPIRE_ONE = /* sql */ `
  DELETE FROM action_requests WHERE user_id = $1 AND request_id = $2 AND created_at < now() - ${TTL}`;
const CLAIM = /* sql */ `
  INSERT INTO action_requests (user_id, request_id, server, action, target, request_sha256)
  VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (user_id, request_id) DO NOTHING
  RETURNING 1`;
const EXISTING = /* sql */ `
  SELECT server, action, target, request_sha256, state, response, created_at < now() - ${STALE} AS stale
    FROM action_requests WHERE user_id = $1 AND request_id = $2`;
const FINISH = /* sql */ `
  UPDATE action_requests SET state = $3, response = $4, finished_at = now()
   WHERE user_id = $1 AND request_id = $2 AND state = 'running'`;
const PRUNE = /* sql */ `DELETE FROM action_requests WHERE created_at < now() - ${TTL}`;

const PRUNE_EVERY_MS = 60_000;
let lastPrune = 0;

/** Claims the key for this request, or says what an earlier request with the same id became. */
export async function claimAction(key: ActionKey, requestSha256: Buffer): Promise<Claim> {
  const db = await store();
  if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
    lastPrune = Date.now();
    await db.query(PRUNE).catch(logFailure("pruning idempotency keys")); // housekeeping only
  }
  await db.query(EXPIRE_ONE, [key.userId, key.requestId]);
  const claimed = await db.query(CLAIM, [key.userId, key.requestId, key.server, key.action, key.target, requestSha256]);
  if (claimed.rowCount) return { kind: "claimed" };
  const r = (await db.query(EXISTING, [key.userId, key.requestId])).rows[0];
  if (!r) return claimAction(key, requestSha256); // expired between the two statements
  const same = r.server === key.server && r.action === key.action && r.target === key.target && Buffer.compare(r.request_sha256, requestSha256) === 0;
  if (!same) return { kind: "different" };
  if (r.state === "done") return { kind: "done", response: r.response };
  if (r.state === "failed") return { kind: "failed" };
  return { kind: "running", stale: r.stale };
}

export async function finishAction(key: ActionKey, state: "done" | "failed", response: unknown): Promise<void> {
  await (await store()).query(FINISH, [key.userId, key.requestId, state, response === undefined ? null : JSON.stringify(response)]);
}
