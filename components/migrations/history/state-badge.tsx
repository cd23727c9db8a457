import { Badge, type Tone } from "@/components/ui/badge";
import type { MigrationState } from "@/lib/schemas/migrations";

const TONE: Record<MigrationState, Tone> = {
  applied: "green",
  failed: "red",
  dirty: "red",
  rolled_back: "yellow",
  pending: "blue",
};

const LABEL: Record<MigrationState, string> = {
  applied: "applied",
  failed: "failed",
  dirty: "dirty",
  rolled_back: "rolled back",
  pending: "pending",
};

export function StateBadge({ state }: { state: MigrationState }) {
  return <Badge tone={TONE[state]}>{LABEL[state]}</Badge>;
}
