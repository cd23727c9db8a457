import { z } from "./zod";

// Shared by route handlers and the browser: no server-only imports here.

// ---- building blocks for every request schema ----
// Requests come from anyone who can reach the console; what PostgreSQL would refuse (a NUL byte
// in text, a number past int8 or a fraction where an int is expected) must be a 400 naming the
// field here, never a 500 carrying PostgreSQL's error text. Every request field is built from these.

const NO_NUL = "must not contain NUL bytes (\\u0000)";
const WELL_FORMED = "must be well-formed Unicode (no lone surrogate such as \\ud800)";
// A lone UTF-16 surrogate cannot be encoded as UTF-8: it would reach the store or a hash as
// U+FFFD or an exception, so it is refused here like a NUL byte.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Request text: at most `max` characters (and at least `min`), no NUL byte, well-formed Unicode. */
export const text = (max: number, min = 0) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => !s.includes("\u0000"), NO_NUL)
    .refine((s) => !LONE_SURROGATE.test(s), WELL_FORMED);

/** Optional text from a URL: an empty value (a cleared filter input) means absent. */
export const optionalText = (max: number) => z.preprocess((v) => (v === "" ? undefined : v), text(max).optional());

// URL values arrive as strings: only plain decimal integers are numbers ("0.5", "1e20", "0x10",
// " " and "Infinity" are not), so z.coerce's Number() leniency never reaches a bound check.
const INT_TEXT = /^[+-]?\d{1,30}$/;
const DECIMAL_TEXT = /^[+-]?(\d{1,30}(\.\d{0,30})?|\.\d{1,30})$/;
const fromText = (re: RegExp) => (v: unknown) => {
  if (v === "") return undefined;
  if (typeof v === "string" && re.test(v.trim())) return Number(v.trim());
  return v;
};

/** An integer in [min, max] in a JSON body (a number there, never a string). */
export const int = (min: number, max: number) => z.number().int().min(min).max(max);

// .optional()/.default() go INSIDE the preprocess: outside, "" (a cleared input) would reach the
// number check as undefined and fail instead of meaning "absent".

/** An integer in [min, max] from a URL parameter or path segment; `def` when absent or empty. */
export const intParam = (min: number, max: number, def?: number) =>
  z.preprocess(fromText(INT_TEXT), def === undefined ? int(min, max) : int(min, max).default(def));

/** An optional integer in [min, max] from a URL parameter; empty means absent. */
export const optionalIntParam = (min: number, max: number) => z.preprocess(fromText(INT_TEXT), int(min, max).optional());

/** An optional decimal number in [min, max] from a URL parameter; empty means absent. */
export const optionalNumberParam = (min: number, max: number) => z.preprocess(fromText(DECIMAL_TEXT), z.number().min(min).max(max).optional());

/** Byte counts and row counts people type: up to 2^53 (exact in JavaScript, far inside int8). */
export const MAX_COUNT = Number.MAX_SAFE_INTEGER;

/** PostgreSQL OIDs (unsigned 32-bit). */
export const OID_MAX = 4_294_967_295;

// ---- identifiers ----

export const ServerId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "not a server id");
/** A database name as PostgreSQL allows it (≤ 63 bytes); resolved against pg_database, never spliced. */
export const DatabaseName = text(63, 1);

export const ServerParams = z.object({ server: ServerId });

/** The one error shape every route returns. */
export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** zod issues for 400s: where and why, never the offending value echoed back as HTML */
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    sqlstate: z.string().optional(),
    /** epoch ms: since when the server has been unreachable */
    unreachableSince: z.number().optional(),
    /** the exact statement(s) an administrator runs to fix it (also in the message) */
    fix: z.string().optional(),
    /** a 500's id: the same id is in the server log line with the details */
    requestId: z.string().optional(),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Every polled response carries the time it was read at, for "updated N s ago". */
export const ReadAt = z.number();
