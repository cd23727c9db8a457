"use client";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { loginUrl, useLogin } from "@/lib/queries/auth";

const ERRORS: Record<string, string> = {
  bad_credentials: "Wrong user name or password.",
  locked_out: "Too many failed sign-ins. Try again later.",
  invalid_request: "Enter a user name and a password.",
  busy: "Too many sign-ins at this moment. Try again in a second.",
  store_unavailable: "The console's own database does not answer. Try again in a moment.",
};

const noSubscribe = () => () => {};

/**
 * A real form: it posts to the sign-in route even before (or without) the page's scripts, so a
 * password never lands in a URL. With scripts it posts JSON and shows the error in place.
 */
export function LoginForm({
  next,
  error: initialError,
  publicOrigin,
  allowedOrigins = [],
}: {
  next: string;
  error?: string;
  /** PGWARDEN_PUBLIC_ORIGIN, and the origins sign-in is accepted from (the demo takes every loopback name) */
  publicOrigin?: string;
  allowedOrigins?: string[];
}) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>(initialError ? (ERRORS[initialError] ?? "Sign-in failed.") : undefined);
  const login = useLogin();
  // Only the browser knows which origin it opened; null on the server and during hydration.
  const here = useSyncExternalStore(noSubscribe, () => window.location.origin, () => null);
  const wrongOrigin = publicOrigin && here && !allowedOrigins.includes(here) ? publicOrigin : undefined;

  function submit(e: FormEvent) {
    e.preventDefault();
    setError(undefined);
    login.mutate(
      { name, password },
      {
        // A full navigation: the next page renders with the new session and a fresh CSP nonce.
        onSuccess: () => window.location.assign(next),
        onError: (err) => setError(err.message),
      },
    );
  }

  const input =
    "w-full rounded border border-zinc-300 bg-transparent px-2 py-1.5 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-blue-500 dark:border-zinc-700";
  return (
    <form method="post" action={loginUrl} onSubmit={submit} className="flex flex-col gap-3" data-testid="login-form">
      {wrongOrigin && (
        <p role="alert" className="rounded bg-amber-100 px-2 py-1 text-sm text-amber-900 dark:bg-amber-900/40 dark:text-amber-100" data-testid="origin-notice">
          This console is set up for <b>{wrongOrigin}</b> (PGWARDEN_PUBLIC_ORIGIN); you opened it at {here}. Signing in and every action only work there:{" "}
          <a className="underline" href={`${wrongOrigin}/login`}>
            open {wrongOrigin}
          </a>
          .
        </p>
      )}
      <input type="hidden" name="next" value={next} />
      <label className="flex flex-col gap-1 text-sm">
        User name
        <input className={input} name="name" autoComplete="username" required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="flex flex-col gap-1 text-sm">
        Password
        <input className={input} name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      {error ? (
        <p role="alert" className="rounded bg-red-100 px-2 py-1 text-sm text-red-800 dark:bg-red-900/40 dark:text-red-200">
          {error}
        </p>
      ) : null}
      <Button type="submit" variant="primary" disabled={login.isPending || login.isSuccess}>
        {login.isPending || login.isSuccess ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
