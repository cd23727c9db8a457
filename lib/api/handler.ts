import "server-only";
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { clientAddress } from "@/lib/auth/client-address";
import { checkStateChange, isFormPost } from "@/lib/auth/csrf";
import { authorize, requireUser, type SessionUser } from "@/lib/auth/guard";
import { visibleRole, type Permission, type Role } from "@/lib/auth/permissions";
import { findPgbouncer, findServer } from "@/lib/config/servers";
import { DomainError } from "@/lib/errors";
import { logFailure } from "@/lib/log";
import { requestAudit, type RequestAudit } from "@/lib/store/audit";
import { ApiError } from "./errors";
import { errorResponse, json } from "./respond";

// Every route goes through here: CSRF (non-GET) → session (401) → server known and visible (404)
// → authorize (403, audited)
// → parse → ONE lib call (audited when the route is an action) → respond. Nothing route-specific runs before the checks, so no
// route can forget them. Only sign-in and health use publicHandler (no session).

type Ctx = { params: Promise<Record<string, string | string[]>> };

interface Spec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  /** What the caller must be allowed to do on the route's server (checked before anything runs). */
  permission: Permission;
  /**
   * Required on every route that changes something (any method but GET): the action written to the
   * audit log. The lib function gets `audit` to write its intent/outcome rows; when it wrote none
   * (refused before acting, or a repeated request id), the handler writes one. `false` only for a
   * POST that changes nothing audited here, with the reason beside it (lint; sign-out and
   * password, which lib/auth audits as sign-in events).
   */
  audit?: string | false;
  /** Which kind of registry entry `params.server` must name (default: a PostgreSQL server). */
  serverKind?: "postgres" | "pgbouncer";
  params?: P;
  query?: Q;
  body?: B;
  response: R;
}

type PublicSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> = Omit<Spec<P, Q, B, R>, "permission"> & {
  /** also accept an HTML form post (urlencoded) as the body: the sign-in form, so it works without JavaScript */
  form?: boolean;
};

interface BaseInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: Request;
  /** the client's address as far as it can be trusted, or "unknown" (see lib/auth/client-address.ts) */
  client: string;
  /** headers added to the response (Set-Cookie on sign-in/out) */
  responseHeaders: Headers;
}

export interface Input<P, Q, B> extends BaseInput<P, Q, B> {
  user: SessionUser;
  /** the user's role on the route's server (the default role on console-wide routes) */
  role: Role;
  /** this request's audit (lib/store/audit.ts), bound to the user, server and declared action */
  audit: RequestAudit;
}

export type PublicInput<P, Q, B> = BaseInput<P, Q, B>;

function searchParamsObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(k);
    out[k] = all.length > 1 ? all : (all[0] ?? "");
  }
  return out;
}

/**
 * Request bodies are small JSON documents; the largest is a migration to lint (~1 MB of SQL).
 * Below Next's own 10 MB clone limit for proxied bodies, which would silently truncate a larger
 * one into "not valid JSON".
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;

const tooLarge = () => new ApiError(413, "body_too_large", `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB.`);

async function readBody(request: Request, form: boolean): Promise<unknown> {
  // The declared length first (nothing read), then the bytes actually streamed (a client may omit
  // Content-Length or send chunked).
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
    // The sign-in form posts urlencoded fields, so it works without JavaScript.
    if (form && isFormPost(request)) return Object.fromEntries(new URLSearchParams(text));
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON (UTF-8).");
  }
}

/**
 * No request value may carry a NUL byte: PostgreSQL text cannot hold one, and a field that
 * reached SQL would fail with a 500. The schemas refuse it per field (lib/schemas/common.ts
 * text()); this catches any field, so a new schema cannot forget it.
 */
function rejectNul(value: unknown, where: string, path: (string | number)[] = []) {
  const issues: z.core.$ZodIssue[] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (typeof v === "string") {
      if (v.includes("\u0000")) issues.push({ code: "custom", path: p, message: "must not contain NUL bytes (\\u0000)", input: undefined });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes("\u0000")) issues.push({ code: "custom", path: p, message: "a field name contains a NUL byte", input: undefined });
        else walk(x, [...p, k]);
      }
    }
  };
  walk(value, path);
  if (issues.length) throw new z.ZodError(issues.slice(0, 20).map((i) => ({ ...i, message: `${i.message} (in the ${where})` })));
}

function withHeaders(response: Response, extra: Headers): Response {
  extra.forEach((value, key) => response.headers.append(key, value));
  return response;
}

type AnySpec = PublicSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType> & { permission?: Permission; audit?: string | false };

/** The row an action route gets when its lib function wrote none. */
async function auditFallback(audit: RequestAudit, err: unknown, requestId: string) {
  if (audit.written) return;
  const detail =
    err === undefined
      ? "answered without acting: the action recorded nothing itself (a repeated request id answers from the first request)"
      : err instanceof DomainError
        ? `refused before acting: ${err.code}: ${err.message}`
        : `failed before acting: internal error (request ${requestId})`;
  const outcome = err === undefined ? "skipped" : err instanceof DomainError && (err.kind === "forbidden" || err.kind === "invalid") ? "denied" : "failed";
  await audit.event({}, outcome, detail).catch(logFailure(`audit of a ${audit.action} request (${outcome})`));
}

function build(spec: AnySpec, fn: (input: never) => Promise<unknown>) {
  return async (request: Request, ctx: Ctx): Promise<Response> => {
    let server: string | undefined;
    const responseHeaders = new Headers();
    // Named in the 500 answer and in the log line, so a report from the browser finds the stack.
    const requestId = randomUUID();
    try {
      const isRead = request.method === "GET" || request.method === "HEAD";
      if (!isRead && spec.permission && spec.audit === undefined) {
        throw new Error(`handler(): ${request.method} ${new URL(request.url).pathname} changes something but declares no audit action`);
      }
      if (!isRead) checkStateChange(request, { form: spec.form });
      const client = clientAddress(request);
      const user = spec.permission ? await requireUser(request) : undefined;
      const rawParams = ctx?.params ? await ctx.params : {};
      rejectNul(rawParams, "path");
      const params = spec.params ? spec.params.parse(rawParams) : undefined;
      server = (params as { server?: string } | undefined)?.server;
      // A server that does not exist and one hidden from this user (role "none") answer alike,
      // before any permission check, so that neither can be told apart (nor is audited). A
      // PgBouncer id on a PostgreSQL route (or the reverse) is as unknown as a made-up id.
      if (server !== undefined) {
        const bouncer = spec.serverKind === "pgbouncer";
        if (!(bouncer ? findPgbouncer(server) : findServer(server)) || (user && !visibleRole(user, server))) {
          throw new ApiError(404, "unknown_server", `No ${bouncer ? "PgBouncer" : "server"} with that id is configured.`);
        }
      }
      let auth: { user: SessionUser; role: Role; audit: RequestAudit } | undefined;
      if (spec.permission && user) {
        const path = new URL(request.url).pathname;
        await authorize(user, server, spec.permission, { client, method: request.method, path });
        const role = (server === undefined ? user.defaultRole : visibleRole(user, server))!;
        const who = { user: { id: user.id, name: user.name }, role, client };
        auth = { user, role, audit: requestAudit({ ...who, server: server ?? null, action: spec.audit || "none" }) };
      }
      const rawQuery = searchParamsObject(new URL(request.url));
      rejectNul(rawQuery, "query string");
      const query = spec.query ? spec.query.parse(rawQuery) : undefined;
      let body: unknown;
      if (spec.body) {
        const raw = await readBody(request, spec.form === true);
        rejectNul(raw, "body");
        body = spec.body.parse(raw);
      }
      let result: unknown;
      try {
        result = await fn({ params, query, body, request, client, responseHeaders, ...auth } as never);
      } catch (err) {
        if (spec.audit && auth) await auditFallback(auth.audit, err, requestId);
        throw err;
      }
      if (spec.audit && auth) await auditFallback(auth.audit, undefined, requestId);
      // A route may answer with a ready Response (CSV export); everything else is schema-checked JSON.
      if (result instanceof Response) return withHeaders(result, responseHeaders);
      return withHeaders(json(spec.response.parse(result)), responseHeaders);
    } catch (err) {
      return withHeaders(errorResponse(err, server, requestId), responseHeaders);
    }
  };
}

export function handler<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(
  spec: Spec<P, Q, B, R>,
  fn: (input: Input<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<z.input<R> | Response>,
) {
  if (!spec.permission) throw new Error("handler(): every route must declare a permission");
  // The declared permission and schemas travel with the function, so tests can find every action
  // route and every field a route accepts.
  return Object.assign(build(spec, fn as (input: never) => Promise<unknown>), { permission: spec.permission, spec });
}

/** No session required: ONLY the sign-in and health routes. CSRF still applies to POSTs. */
export function publicHandler<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(
  spec: PublicSpec<P, Q, B, R>,
  fn: (input: PublicInput<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<z.input<R> | Response>,
) {
  // The spec travels with the function too: the input tests drive every field it declares.
  return Object.assign(build(spec, fn as (input: never) => Promise<unknown>), { spec });
}
