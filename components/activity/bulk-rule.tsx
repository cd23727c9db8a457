"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { INPUT_CLASS } from "@/components/ui/filter-input";
import { useActivityPreview } from "@/lib/queries/activity";
import type { Session } from "@/lib/schemas/activity";

/**
 * "Terminate sessions idle in transaction for more than N minutes of user X": the rule is
 * evaluated once, server-side, and the dialog lists exactly the sessions that will be hit.
 */
export function BulkRule({
  server,
  database,
  disabled,
  onPreview,
}: {
  server: string;
  /** the header's database choice applies here too */
  database: string | undefined;
  disabled?: string;
  onPreview: (kind: "cancel" | "terminate", sessions: Session[], skipped: Session[]) => void;
}) {
  const [kind, setKind] = useState<"cancel" | "terminate">("terminate");
  const [state, setState] = useState("idle in transaction");
  const [user, setUser] = useState("");
  const [minutes, setMinutes] = useState("5");
  const preview = useActivityPreview(server);
  const run = () =>
    preview.mutate(
      { state: state || undefined, user: user || undefined, database, minDuration: minutes ? Number(minutes) * 60 : undefined },
      {
        onSuccess: (res) =>
          onPreview(
            kind,
            res.sessions.filter((s) => !s.unkillable),
            res.sessions.filter((s) => s.unkillable),
          ),
      },
    );
  return (
    <form className="flex flex-wrap items-center gap-2 text-xs" onSubmit={(e) => (e.preventDefault(), run())} aria-label="Bulk rule">
      <span className="font-medium">Bulk:</span>
      <select aria-label="bulk action" className={INPUT_CLASS} value={kind} onChange={(e) => setKind(e.target.value as "cancel" | "terminate")}>
        <option value="cancel">cancel</option>
        <option value="terminate">terminate</option>
      </select>
      sessions in state
      <select aria-label="bulk state" className={INPUT_CLASS} value={state} onChange={(e) => setState(e.target.value)}>
        <option value="idle in transaction">idle in transaction</option>
        <option value="active">active</option>
        <option value="idle">idle</option>
      </select>
      of user
      <input aria-label="bulk user" className={`${INPUT_CLASS} w-24`} value={user} onChange={(e) => setUser(e.target.value)} placeholder="any" />
      longer than
      <input aria-label="bulk minutes" className={`${INPUT_CLASS} w-14`} value={minutes} onChange={(e) => setMinutes(e.target.value)} inputMode="decimal" />
      min{database ? ` in ${database}` : ""}
      <Button size="sm" type="submit" disabled={!!disabled || preview.isPending} title={disabled}>
        Preview
      </Button>
      {preview.isError && (
        <span role="alert" className="text-red-700 dark:text-red-300">
          {preview.error.message}
        </span>
      )}
    </form>
  );
}
