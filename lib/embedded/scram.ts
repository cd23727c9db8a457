import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/**
 * A SCRAM-SHA-256 verifier, so that the clear password never appears in statement text
 * (pg_stat_activity, server logs). PostgreSQL stores a pre-hashed password as given (RFC 7677).
 */
export function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** Whether a stored verifier (pg_authid.rolpassword) belongs to this password. */
export function scramMatches(verifier: string | null | undefined, password: string): boolean {
  const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):(.+)$/.exec(verifier ?? "");
  if (!m) return false;
  const salted = pbkdf2Sync(password.normalize("NFKC"), Buffer.from(m[2]!, "base64"), Number(m[1]), 32, "sha256");
  const storedKey = createHash("sha256").update(createHmac("sha256", salted).update("Client Key").digest()).digest();
  return storedKey.toString("base64") === m[3];
}
