import type { z } from "zod";

// A page's state lives in its URL (shareable, survives a reload). What arrives there may be
// stale, mistyped or hand-edited: every parameter is checked on its own, and one that is
// unknown or invalid is reported and taken out of the URL — never silently ignored while the
// page quietly shows something else (`?state=bogus` listing nothing, `?offset=5000` an empty page).

export interface ParamProblem {
  key: string;
  value: string;
  /** what was wrong and what the page did about it, for a person */
  message: string;
}

export interface ParamSpec {
  /** one schema per parameter (an object schema's `.shape`) */
  fields: Record<string, z.ZodType>;
  /** parameters the page does not use but that belong in the URL (e.g. `db`, read by the shell) */
  keep?: readonly string[];
  /** old names that now mean another parameter: `{ database: "db" }` */
  renamed?: Readonly<Record<string, string>>;
}

export interface ReadParams {
  /** the valid parameters, parsed by their schema */
  values: Record<string, unknown>;
  problems: ParamProblem[];
  /** the URL's query string once the problems are taken out; null when nothing needs changing */
  corrected: string | null;
}

function firstIssue(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return "invalid value";
  if (issue.code === "invalid_value" && "values" in issue) return `not one of ${(issue.values as unknown[]).join(", ")}`;
  return issue.message;
}

/** Checks each parameter of `params` against `spec`; see ReadParams. */
export function readParams(spec: ParamSpec, params: URLSearchParams): ReadParams {
  const values: Record<string, unknown> = {};
  const problems: ParamProblem[] = [];
  const out = new URLSearchParams();
  let changed = false;
  const seen = new Set<string>();
  for (const [rawKey, value] of params) {
    const renamedTo = spec.renamed?.[rawKey];
    const key = renamedTo ?? rawKey;
    if (renamedTo) {
      changed = true;
      problems.push({ key: rawKey, value, message: `${rawKey}= is now ${key}=; the address was changed.` });
    }
    if (seen.has(key)) {
      changed = true;
      problems.push({ key, value, message: `${key}= was given more than once; the first value is used.` });
      continue;
    }
    seen.add(key);
    if (spec.keep?.includes(key)) {
      out.append(key, value);
      continue;
    }
    const schema = spec.fields[key];
    if (!schema) {
      changed = true;
      problems.push({ key, value, message: `${key}= is not a parameter of this page; it was removed.` });
      continue;
    }
    // An emptied filter is "no filter", not an error; it just leaves the URL.
    if (value === "") {
      changed = true;
      continue;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      changed = true;
      problems.push({ key, value, message: `${key}=${value} is not valid (${firstIssue(parsed.error)}); it was removed.` });
      continue;
    }
    values[key] = parsed.data;
    out.append(key, value);
  }
  return { values, problems, corrected: changed ? out.toString() : null };
}

/**
 * A page offset past the last row (`?offset=5000` of 120 rows) moves to the last page, and says
 * so. Returns undefined when the offset is fine or the total is not known yet.
 */
export function clampOffset(offset: number, limit: number, total: number | undefined): { offset: number; problem: ParamProblem } | undefined {
  if (total === undefined || offset === 0 || offset < total) return undefined;
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const where = total === 0 ? "there are no rows" : `there are ${total} rows; showing the last page`;
  return { offset: last, problem: { key: "offset", value: String(offset), message: `offset=${offset} is past the end (${where}).` } };
}

/** A query string with `changes` applied: undefined or "" removes a key. */
export function patchQuery(current: URLSearchParams, changes: Record<string, string | number | undefined>): string {
  const next = new URLSearchParams(current);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === "") next.delete(k);
    else next.set(k, String(v));
  }
  return next.toString();
}
