import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { env } from "@/lib/config/env";

// PGWARDEN_SECRET keys the HMAC on session cookies (a forged or mangled cookie is refused
// before the store is asked). In production it must be set, long and not a sample value
// (Supabase's 'SAMPLE_KEY' lesson); elsewhere a random per-process key is used, so sessions
// simply end when the process restarts.

const SAMPLE_SECRETS = new Set([
  "changeme",
  "change-me",
  "change_me",
  "secret",
  "pgwarden",
  "password",
  "development",
  "example",
  "sample_key",
  "your-secret-here",
  "this_password_is_insecure_and_should_be_updated",
]);

export const MIN_SECRET_LENGTH = 32;

export function isProduction(): boolean {
  return env().NODE_ENV === "production" && !isDemo();
}

/** `npm run demo` (lib/cli/demo.ts): a local console with a throw-away store and secret. */
export function isDemo(): boolean {
  return env().PGWARDEN_DEMO;
}

/** Why a secret is unacceptable, or undefined when it is fine. */
export function secretProblem(secret: string | undefined): string | undefined {
  if (!secret) return "PGWARDEN_SECRET is not set";
  if (secret.length < MIN_SECRET_LENGTH) return `PGWARDEN_SECRET must be at least ${MIN_SECRET_LENGTH} characters`;
  const normalised = secret.toLowerCase();
  if (SAMPLE_SECRETS.has(normalised) || /^(.)\1+$/.test(secret) || /change.?me|sample|example|default/.test(normalised)) {
    return "PGWARDEN_SECRET looks like a sample or default value";
  }
  return undefined;
}

/** Throws (the console refuses to serve) when production lacks what it must have. */
export function assertStartupConfig(): void {
  if (!isProduction()) return;
  const problems: string[] = [];
  const secret = secretProblem(env().PGWARDEN_SECRET);
  if (secret) problems.push(`${secret} (generate one: openssl rand -base64 48)`);
  if (!env().PGWARDEN_PUBLIC_ORIGIN) {
    problems.push("PGWARDEN_PUBLIC_ORIGIN is not set (e.g. https://pgwarden.example.com); it is needed for the CSRF check");
  }
  if (problems.length) throw new Error(`pgwarden refuses to start in production:\n  ${problems.join("\n  ")}`);
}

const g = globalThis as typeof globalThis & { __pgwardenEphemeralSecret?: Buffer };

export function consoleSecretKey(): Buffer {
  const configured = env().PGWARDEN_SECRET;
  if (configured && !secretProblem(configured)) return createHash("sha256").update(configured).digest();
  assertStartupConfig();
  g.__pgwardenEphemeralSecret ??= randomBytes(32);
  return g.__pgwardenEphemeralSecret;
}
