import type { z } from "zod";
import { ApiErrorBody } from "@/lib/schemas/common";

/** An error response from a pgwarden route, with the fields the UI shows. */
export class ApiClientError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly unreachableSince?: number,
    readonly issues?: { path: string; message: string }[],
  ) {
    super(message);
    this.name = "ApiClientError";
  }
}

/** Fetches a route and validates the body with the same zod schema the server used. */
export async function fetchJson<S extends z.ZodType>(url: string, schema: S, init?: RequestInit): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { accept: "application/json", ...init?.headers }, cache: "no-store" });
  } catch {
    throw new ApiClientError(0, "console_unreachable", "The pgwarden server did not answer.");
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const parsed = ApiErrorBody.safeParse(body);
    if (parsed.success) {
      const e = parsed.data.error;
      throw new ApiClientError(res.status, e.code, e.message, e.unreachableSince, e.issues);
    }
    throw new ApiClientError(res.status, "http_error", `pgwarden answered HTTP ${res.status}.`);
  }
  return schema.parse(body);
}

/** POST a JSON body (same-origin; the server checks Origin and content type). */
export function postJson<S extends z.ZodType>(url: string, body: unknown, schema: S): Promise<z.infer<S>> {
  return fetchJson(url, schema, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
