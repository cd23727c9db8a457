import "server-only";
import { z } from "zod";
import { clientAddress } from "@/lib/auth/client-address";
import { checkStateChange } from "@/lib/auth/csrf";
import { authorize, requireUser, type SessionUser } from "@/lib/auth/guard";
import { effectiveRole, type Permission, type Role } from "@/lib/auth/permissions";
import { findPgbouncer, findServer } from "@/lib/config/servers";
import { ApiError } from "./errors";
import { errorResponse, json } from "./respond";

// Every route goes through here: CSRF (non-GET) → session (401) → authorize (403, audited)
// → parse → ONE lib call → respond. Nothing route-specific runs before the checks, so no
// route can forget them. Only sign-in and health use publicHandler (no session).

type Ctx = { params: Promise<Record<string, string | string[]>> };

interface Spec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  /** What the caller must be allowed to do on the route's server (checked before anything runs). */
  permission: Permission;
  /** Which kind of registry entry `params.server` must name (default: a PostgreSQL server). */
  serverKind?: "postgres" | "pgbouncer";
  params?: P;
  query?: Q;
  body?: B;
  response: R;
}

type PublicSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> = Omit<
  Spec<P, Q, B, R>,
  "permission"
>;

interface BaseInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: Request;
  /** the client's address as far as it can be trusted (see lib/auth/client-address.ts) */
  client: string | null;
  /** headers added to the response (Set-Cookie on sign-in/out) */
  responseHeaders: Headers;
}

export interface Input<P, Q, B> extends BaseInput<P, Q, B> {
  user: SessionUser;
  /** the user's role on the route's server (the default role on console-wide routes) */
  role: Role;
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

async function readJsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
  }
}

function withHeaders(response: Response, extra: Headers): Response {
  extra.forEach((value, key) => response.headers.append(key, value));
  return response;
}

type AnySpec = PublicSpec<z.ZodType, z.ZodType, z.ZodType, z.ZodType> & { permission?: Permission };

function build(spec: AnySpec, fn: (input: never) => Promise<unknown>) {
  return async (request: Request, ctx: Ctx): Promise<Response> => {
    let server: string | undefined;
    const responseHeaders = new Headers();
    try {
      const isRead = request.method === "GET" || request.method === "HEAD";
      if (!isRead) checkStateChange(request);
      const client = clientAddress(request);
      const user = spec.permission ? await requireUser(request) : undefined;
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = spec.params ? spec.params.parse(rawParams) : undefined;
      server = (params as { server?: string } | undefined)?.server;
      let auth: { user: SessionUser; role: Role } | undefined;
      if (spec.permission && user) {
        const path = new URL(request.url).pathname;
        await authorize(user, server, spec.permission, { client, method: request.method, path });
        auth = { user, role: effectiveRole(user, server) };
      }
      if (server !== undefined) {
        // A PgBouncer id on a PostgreSQL route (or the reverse) is as unknown as a made-up id.
        const bouncer = spec.serverKind === "pgbouncer";
        if (!(bouncer ? findPgbouncer(server) : findServer(server))) {
          throw new ApiError(404, "unknown_server", `No ${bouncer ? "PgBouncer" : "server"} with that id is configured.`);
        }
      }
      const query = spec.query ? spec.query.parse(searchParamsObject(new URL(request.url))) : undefined;
      const body = spec.body ? spec.body.parse(await readJsonBody(request)) : undefined;
      const result = await fn({ params, query, body, request, client, responseHeaders, ...auth } as never);
      // A route may answer with a ready Response (CSV export); everything else is schema-checked JSON.
      if (result instanceof Response) return withHeaders(result, responseHeaders);
      return withHeaders(json(spec.response.parse(result)), responseHeaders);
    } catch (err) {
      return withHeaders(errorResponse(err, server), responseHeaders);
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
  // The declared permission travels with the function, so tests can find every action route.
  return Object.assign(build(spec, fn as (input: never) => Promise<unknown>), { permission: spec.permission });
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
  return build(spec, fn as (input: never) => Promise<unknown>);
}
