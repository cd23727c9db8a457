import "server-only";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// scrypt (memory-hard) from node:crypto. N=2^15, r=8 → 32 MiB and ~100 ms per hash on one core.
// Parameters and salt are stored with the hash so they can be raised without breaking old hashes.
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEYLEN = 32;
const MAX_N = 2 ** 20; // refuse absurd parameters from a tampered row (memory exhaustion)

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number, keylen: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P, KEYLEN);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!Number.isInteger(n) || n < 2 || n > MAX_N || (n & (n - 1)) !== 0 || !(r >= 1 && r <= 32) || !(p >= 1 && p <= 16)) {
    return false;
  }
  const salt = Buffer.from(parts[4]!, "base64");
  const expected = Buffer.from(parts[5]!, "base64");
  if (expected.length < 16) return false;
  const actual = await derive(password, salt, n, r, p, expected.length);
  return timingSafeEqual(actual, expected);
}

/**
 * What an unknown or disabled user's password is checked against, so that both cases cost the
 * same scrypt. A constant (the hash of 32 random bytes nobody kept), so that it costs nothing to
 * make and verifying against it is exactly one hash, like a real user's.
 */
const DUMMY_HASH = "scrypt$32768$8$1$nF7RdqLFM//F55z0sdVlgQ==$PtPN0BfnGbw8x1iqs/eifkOknaL1/Ugj1vu4EonupvA=";

export function dummyHash(): string {
  return DUMMY_HASH;
}

let common: Promise<Set<string>> | undefined;

/**
 * The ~49,000 most common passwords (the list zxcvbn-ts maintains), lower-cased; loaded once, on
 * the first password that is set (decompressing it takes ~100 ms).
 */
function commonPasswords(): Promise<Set<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(({ dictionary }) => new Set(dictionary["passwords-common"].map((p) => p.toLowerCase())));
  return common;
}

/** Why a new password is refused, or undefined. */
export async function passwordProblem(password: string, userName?: string): Promise<string | undefined> {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `at most ${MAX_PASSWORD_LENGTH} characters`;
  if (password.trim() === "") return "not only spaces";
  if (/^(.)\1*$/su.test(password)) return "not one character repeated";
  const lower = password.normalize("NFKC").toLowerCase();
  if (userName && lower.includes(userName.toLowerCase())) return "must not contain the user name";
  if ((await commonPasswords()).has(lower)) return "not one of the most common passwords";
  return undefined;
}

/** A random password for generated accounts (demo): 24 url-safe characters, ~144 bits. */
export function randomPassword(): string {
  return randomBytes(18).toString("base64url");
}
