import "server-only";
import type { HealthResponse } from "@/lib/schemas/health";

// The worst finding of each server's last health run in this process, for the fleet cards.
// Process-local: with several console replicas a card shows what its replica last checked.

export interface LastHealth {
  worst: { severity: "info" | "warning" | "critical"; title: string; check: string } | null;
  at: number;
}

const g = globalThis as typeof globalThis & { __pgwardenLastHealth?: Map<string, LastHealth> };
const last = (g.__pgwardenLastHealth ??= new Map());

export function rememberHealth(server: string, r: HealthResponse) {
  const f = r.findings[0]; // sorted worst first
  last.set(server, { worst: f ? { severity: f.severity, title: f.title, check: f.check } : null, at: r.readAt });
}

/** undefined: never checked in this process. */
export function lastHealth(server: string): LastHealth | undefined {
  return last.get(server);
}
