import type { UnkillableReason } from "@/lib/schemas/activity";

export const UNKILLABLE_TEXT: Record<UnkillableReason, string> = {
  console_session: "pgwarden's own",
  background_process: "background process",
  superuser_session: "superuser (needs superuser)",
  not_permitted: "needs pg_signal_backend",
  hidden_session: "hidden (needs pg_read_all_stats)",
};
