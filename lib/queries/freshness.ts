import { formatDuration } from "@/lib/format";
import { ApiClientError } from "./fetch-json";

// How fresh a polled view is. The banner waits for two missed polls (one slow answer is not an
// outage); a table dims its rows, and actions go off when unreachable, as soon as one poll fails.

/** A poll may be this late before it counts as missed (network and query time). */
const SLACK_MS = 1_000;

export interface Staleness {
  /** when the data on screen was read */
  since: number;
  /** why newer data is missing, in words */
  reason: string;
}

export function asApiError(error: unknown): ApiClientError | undefined {
  if (!error) return undefined;
  return error instanceof ApiClientError ? error : new ApiClientError(0, "error", error instanceof Error ? error.message : String(error));
}

/**
 * Stale once two polls in a row have not brought new data (not after one slow answer), and not
 * while paused on purpose. The reason is the last error, or that pgwarden has not answered yet.
 */
export function staleness(o: { updatedAt: number | undefined; now: number; intervalMs: number; paused: boolean; error: unknown }): Staleness | null {
  if (!o.updatedAt || o.paused) return null;
  if (o.now - o.updatedAt <= 2 * o.intervalMs + SLACK_MS) return null;
  const err = asApiError(o.error);
  return { since: o.updatedAt, reason: err ? err.message : `no answer for ${formatDuration(o.now - o.updatedAt)}; pgwarden is still waiting for the server` };
}

/**
 * The last poll failed because the server (or pgwarden itself) did not answer: actions on the rows
 * shown would act on a picture that may be wrong, and could not be sent anyway.
 */
export function isUnreachable(error: unknown): boolean {
  const err = asApiError(error);
  return err?.code === "unreachable" || err?.code === "console_unreachable";
}

/** Why actions on a view's rows are off, or undefined: one wording on every page. */
export function actionsOffReason(poll: { unreachable: boolean }): string | undefined {
  return poll.unreachable ? "Disabled: the server did not answer the last poll; these rows may be out of date." : undefined;
}
