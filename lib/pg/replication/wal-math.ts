// WAL arithmetic (pure): LSNs, segment numbers from WAL file names, and WAL generated per hour
// from two reads of the WAL position.

/** "16/B374D848" → bytes since the start of WAL (BigInt: positions pass 2^53 on busy, old clusters). */
export function lsnToBigInt(lsn: string): bigint | null {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn);
  if (!m) return null;
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

export function lsnDiffBytes(a: string, b: string): number | null {
  const x = lsnToBigInt(a);
  const y = lsnToBigInt(b);
  return x === null || y === null ? null : Number(x - y);
}

/**
 * The segment number of a WAL file name (timeline 8 hex + log 8 hex + segment 8 hex), ignoring the
 * timeline; null for .history files. A name with a suffix (.partial, .00000028.backup) counts as
 * its segment.
 */
export function walSegmentNumber(fileName: string, segmentBytes: number): number | null {
  const m = /^[0-9A-F]{8}([0-9A-F]{8})([0-9A-F]{8})(?:$|\.)/.exec(fileName);
  if (!m) return null;
  const perLog = 0x1_0000_0000 / segmentBytes;
  return parseInt(m[1]!, 16) * perLog + parseInt(m[2]!, 16);
}

/**
 * Complete segments not archived yet: those after the last archived one and before the one
 * being written now (which cannot be archived until it is full or switched).
 */
export function segmentsWaiting(currentWalFile: string | null, lastArchivedWal: string | null, segmentBytes: number): number | null {
  if (!currentWalFile || !lastArchivedWal) return null;
  const cur = walSegmentNumber(currentWalFile, segmentBytes);
  const last = walSegmentNumber(lastArchivedWal, segmentBytes);
  if (cur === null || last === null) return null;
  return Math.max(0, cur - last - 1);
}

export interface WalSample {
  at: number;
  lsn: string;
}

/** Two reads this far apart at least make a rate; samples older than the window are dropped. */
export const MIN_WINDOW_MS = 10_000;
export const MAX_WINDOW_MS = 60 * 60_000;
const SAMPLE_EVERY_MS = 5_000;

/**
 * Adds a sample (at most one per 5 s) and returns the WAL rate over the longest window available
 * (≤ 1 hour). `samples` is mutated; keep one array per server.
 */
export function recordWalSample(samples: WalSample[], s: WalSample): { bytesPerHour: number; windowMs: number } | null {
  const last = samples[samples.length - 1];
  if (!last || s.at - last.at >= SAMPLE_EVERY_MS) samples.push(s);
  while (samples.length > 2 && s.at - samples[1]!.at >= MAX_WINDOW_MS) samples.shift();
  const first = samples[0]!;
  const windowMs = s.at - first.at;
  if (windowMs < MIN_WINDOW_MS) return null;
  const bytes = lsnDiffBytes(s.lsn, first.lsn);
  // A position that went back (a restored or re-created cluster) starts the measurement over.
  if (bytes === null || bytes < 0) {
    samples.splice(0, samples.length, s);
    return null;
  }
  return { bytesPerHour: (bytes / windowMs) * 3_600_000, windowMs };
}
