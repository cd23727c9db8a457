"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { fetchActivity } from "@/lib/queries/activity";
import type { Session } from "@/lib/schemas/activity";

const INPUT = "rounded border border-zinc-300 bg-transparent px-1.5 py-0.5 text-sm dark:border-zinc-700";

/**
 * "Terminate sessions idle in transaction for more than N minutes of user X": the rule is
 * evaluated once, server-side, and the dialog lists exactly the sessions that will be hit.
 */
export function BulkRule({ server, onPreview }: { server: string; onPreview: (kind: "cancel" | "terminate", sessions: Session[], skipped: Session[]) => void }) {
  const [kind, setKind] = useState<"cancel" | "terminate">("terminate");
  const [state, setState] = useState("idle in transaction");
  const [user, setUser] = useState("");
  const [minutes, setMinutes] = useState("5");
  const [error, setError] = useState<string>();
  const preview = async () => {
    setError(undefined);
    try {
      const res = await fetchActivity(server, {
        state: state || undefined,
        user: user || undefined,
        minDuration: minutes ? Number(minutes) * 60 : undefined,
      });
      const hit = res.sessions.filter((s) => !s.unkillable);
      onPreview(kind, hit, res.sessions.filter((s) => s.unkillable));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form className="flex flex-wrap items-center gap-2 text-xs" onSubmit={(e) => (e.preventDefault(), preview())} aria-label="Bulk rule">
      <span className="font-medium">Bulk:</span>
      <select aria-label="bulk action" className={INPUT} value={kind} onChange={(e) => setKind(e.target.value as "cancel" | "terminate")}>
        <option value="cancel">cancel</option>
        <option value="terminate">terminate</option>
      </select>
      sessions in state
      <select aria-label="bulk state" className={INPUT} value={state} onChange={(e) => setState(e.target.value)}>
        <option value="idle in transaction">idle in transaction</option>
        <option value="active">active</option>
        <option value="idle">idle</option>
      </select>
      of user
      <input aria-label="bulk user" className={`${INPUT} w-24`} value={user} onChange={(e) => setUser(e.target.value)} placeholder="any" />
      longer than
      <input aria-label="bulk minutes" className={`${INPUT} w-14`} value={minutes} onChange={(e) => setMinutes(e.target.value)} inputMode="decimal" />
      min
      <Button size="sm" type="submit">
        Preview
      </Button>
      {error && <span role="alert" className="text-red-700 dark:text-red-300">{error}</span>}
    </form>
  );
}
