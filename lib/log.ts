// No failure is dropped without a log line: a background step that may fail (an audit write, a
// housekeeping delete, a lease release) logs through this instead of `.catch(() => {})`.
// Closing a connection that is already broken (`client.end()`) is the one failure not logged: it
// says nothing the error that broke it did not say already.

const redactUrls = (s: string) => s.replace(/(\w+:\/\/)[^/@\s]*@/g, "$1***@");

// A loop that retries every second (job worker, orphan watch) while the store is down would write
// the same line every second; the same line is written at most once a minute.
const REPEAT_MS = 60_000;
const lastLogged = new Map<string, number>();

/** A catch handler: `promise.catch(logFailure("audit outcome of job 12"))` logs and swallows. */
export function logFailure(what: string): (err: unknown) => void {
  return (err) => {
    const msg = err instanceof Error ? err.message : String(err);
    const line = `pgwarden: ${what} failed: ${redactUrls(msg)}`;
    const now = Date.now();
    if (now - (lastLogged.get(line) ?? -Infinity) < REPEAT_MS) return;
    if (lastLogged.size > 1_000) lastLogged.clear();
    lastLogged.set(line, now);
    console.error(line);
  };
}
