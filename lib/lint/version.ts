// server_version_num ↔ what people write. Browser-safe (no parser import): the lint page uses it too.

/** A major version given without a minor is taken as its latest minor release. */
const ANY_MINOR = 99;

/** A major version with no particular minor, e.g. for `--pg-version 14`. */
export function majorOnly(major: number): number {
  return Math.floor(major) * 10000 + ANY_MINOR;
}

/** "14" → 14 with any minor (taken as the latest), "14.2" → 140002, "9.6" → 90600, "140002" → 140002. */
export function parsePgVersion(text: string): number | undefined {
  const [major, minor, extra] = text.split(".");
  const m = Number(major);
  if (!major || !Number.isInteger(m) || m < 0 || extra !== undefined) return undefined;
  if (m >= 100000 && minor === undefined) return m;
  if (m < 9 || m > 99) return undefined;
  if (minor === undefined) return majorOnly(m);
  const n = Number(minor);
  if (!Number.isInteger(n) || n < 0 || n > 99) return undefined;
  return m >= 10 ? m * 10000 + n : m * 10000 + n * 100;
}

/** 180004 → "18.4", 140099 (major only) → "14", 90600 → "9.6". */
export function versionLabel(num: number): string {
  const major = Math.floor(num / 10000);
  const minor = num % 10000;
  if (major < 10) return `${major}.${Math.floor(minor / 100)}`;
  return minor === ANY_MINOR ? `${major}` : `${major}.${minor}`;
}
