"use client";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { ApiClientError, postJson } from "@/lib/queries/fetch-json";
import { LoginResponse } from "@/lib/schemas/auth";

export function LoginForm({ next }: { next: string }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    // During a flood of sign-ins the server checks a few passwords at a time and asks the rest to
    // come back a moment later ("busy"): the form does that by itself a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        await postJson("/api/auth/login", { name, password }, LoginResponse);
        // A full navigation: the next page renders with the new session and a fresh CSP nonce.
        window.location.assign(next);
        return;
      } catch (err) {
        if (err instanceof ApiClientError && err.code === "busy" && attempt < 5) {
          await new Promise((r) => setTimeout(r, 400 * attempt));
          continue;
        }
        setError(err instanceof ApiClientError ? err.message : "Sign-in failed.");
        setBusy(false);
        return;
      }
    }
  }

  const input =
    "w-full rounded border border-zinc-300 bg-transparent px-2 py-1.5 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 dark:border-zinc-700";
  return (
    <form onSubmit={submit} className="flex flex-col gap-3" data-testid="login-form">
      <label className="flex flex-col gap-1 text-sm">
        User name
        <input className={input} name="username" autoComplete="username" required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Password
        <input
          className={input}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      {error ? (
        <p role="alert" className="rounded bg-red-100 px-2 py-1 text-sm text-red-800 dark:bg-red-900/40 dark:text-red-200">
          {error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
