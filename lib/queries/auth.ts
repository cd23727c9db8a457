"use client";
import { useMutation } from "@tanstack/react-query";
import { LoginResponse, OkResponse } from "@/lib/schemas/auth";
import { apiUrl } from "./api";
import { ApiClientError, postJson } from "./fetch-json";

// Sign-in and sign-out. Both end with a full navigation (new session, fresh CSP nonce), so
// nothing here is cached.

export const loginUrl = apiUrl(["auth", "login"]);
export const logoutUrl = apiUrl(["auth", "logout"]);

/**
 * During a flood of sign-ins the server checks a few passwords at a time and asks the rest to come
 * back a moment later ("busy", 503): the form does that by itself a few times. Nothing else is
 * retried (a wrong password must count once).
 */
export function useLogin() {
  return useMutation({
    mutationFn: (body: { name: string; password: string }) => postJson(loginUrl, body, LoginResponse),
    retry: (failures, err) => err instanceof ApiClientError && err.code === "busy" && failures < 4,
    retryDelay: (attempt) => 400 * (attempt + 1),
  });
}

/** Whatever the answer (already expired, store down), the caller leaves the console page. */
export function useLogout() {
  return useMutation({ mutationFn: () => postJson(logoutUrl, {}, OkResponse).catch(() => undefined) });
}
