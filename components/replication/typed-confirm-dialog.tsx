"use client";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { INPUT_CLASS } from "@/components/ui/filter-input";

/** A destructive admin action: what will happen, then the phrase typed before the button works. */
export function TypedConfirmDialog({
  open,
  title,
  phrase,
  children,
  busy,
  result,
  onConfirm,
  onClose,
  testId,
}: {
  open: boolean;
  title: string;
  phrase: string;
  children: ReactNode;
  busy: boolean;
  result: ReactNode;
  onConfirm: (typed: string) => void;
  onClose: () => void;
  testId?: string;
}) {
  const [typed, setTyped] = useState("");
  const close = () => (setTyped(""), onClose());
  return (
    <Dialog open={open} onClose={close} title={title} testId={testId}>
      <div className="flex flex-col gap-2 text-sm">
        {children}
        <label className="flex flex-col gap-1 text-xs">
          <span>
            Type <code className="rounded bg-zinc-100 px-1 dark:bg-zinc-800">{phrase}</code> to confirm
          </span>
          <input aria-label="Confirmation" className={INPUT_CLASS} value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </label>
        <div className="flex items-center gap-2">
          <Button variant="danger" disabled={typed !== phrase || busy} onClick={() => onConfirm(typed)}>
            {title}
          </Button>
          <Button onClick={close}>Close</Button>
        </div>
        {result}
      </div>
    </Dialog>
  );
}
