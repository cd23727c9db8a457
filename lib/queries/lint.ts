"use client";
import { useMutation } from "@tanstack/react-query";
import { LintResponse, type LintRequest } from "@/lib/schemas/lint";
import { serverUrl } from "./api";
import { postJson } from "./fetch-json";

// Client side of the lint route: one request per click, nothing polled.

export const lintUrl = (server: string) => serverUrl(server, ["lint"]);

export function useLint(server: string) {
  return useMutation({ mutationFn: (body: LintRequest) => postJson(lintUrl(server), body, LintResponse) });
}
