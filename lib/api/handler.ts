import "server-only";
import { z } from "zod";
import type { Permission } from "@/lib/auth/permissions";
import { findServer } from "@/lib/config/servers";
import { ApiError } from "./errors";
import { errorResponse, json } from "./respond";

// Every route goes through here: parse → check → ONE lib call → respond.
// Auth and CSRF checks are added here (issue 3) so no route can forget them.

type Ctx = { params: Promise<Record<string, string | string[]>> };

interface Spec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType> {
  /** What the caller must be allowed to do on the route's server (checked before anything runs). */
  permission: Permission;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
}

export interface Input<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  request: Request;
}

function searchParamsObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(k);
    out[k] = all.length > 1 ? all : (all[0] ?? "");
  }
  return out;
}

async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send a JSON body (Content-Type: application/json).");
  }
  try {
    return await request.json();
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON.");
  }
}

export function handler<
  P extends z.ZodType = z.ZodUndefined,
  Q extends z.ZodType = z.ZodUndefined,
  B extends z.ZodType = z.ZodUndefined,
  R extends z.ZodType = z.ZodType,
>(spec: Spec<P, Q, B, R>, fn: (input: Input<z.infer<P>, z.infer<Q>, z.infer<B>>) => Promise<z.input<R>>) {
  return async (request: Request, ctx: Ctx): Promise<Response> => {
    let server: string | undefined;
    try {
      const rawParams = ctx?.params ? await ctx.params : {};
      const params = spec.params ? spec.params.parse(rawParams) : undefined;
      server = (params as { server?: string } | undefined)?.server;
      if (server !== undefined && !findServer(server)) {
        throw new ApiError(404, "unknown_server", "No server with that id is configured.");
      }
      const query = spec.query ? spec.query.parse(searchParamsObject(new URL(request.url))) : undefined;
      const body = spec.body ? spec.body.parse(await readJsonBody(request)) : undefined;
      const result = await fn({ params, query, body, request } as Input<z.infer<P>, z.infer<Q>, z.infer<B>>);
      return json(spec.response.parse(result));
    } catch (err) {
      return errorResponse(err, server);
    }
  };
}
