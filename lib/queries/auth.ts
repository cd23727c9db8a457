"use client";
import { useMutation } from "@tanstack/react-query";
import { LoginResponse, OkResponse } from "@/lib/schemas/auth";
import { apiUrl } from "./api";
import { postJson } from "./fetch-json";

// Sign-in and sign-out. Both end with a full navigation (new session, fresh CSP nonce), so
// nothing here is cached.

export const loginUrl = apiUrl(["auth", "login"]);
export const logoutUrl = apiUrl(["auth", "logout"]);

export function useLogin() {
  return useMutation({ mutationFn: (body: { name: string; password: string }) => postJson(loginUrl, body, LoginResponse) });
}

/** Whatever the answer (already expired, store down), the caller leaves the console page. */
export function useLogout() {
  return useMutation({ mutationFn: () => postJson(logoutUrl, {}, OkResponse).catch(() => undefined) });
}
