import { z } from "./zod";

// Shared by route handlers and the browser: no server-only imports here.

export const ServerId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "not a server id");
/** A database name as PostgreSQL allows it (≤ 63 bytes); resolved against pg_database, never spliced. */
export const DatabaseName = z.string().min(1).max(63);

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
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

/** Every polled response carries the time it was read at, for "updated N s ago". */
export const ReadAt = z.number();
