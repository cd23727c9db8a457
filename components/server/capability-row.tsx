"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { Capability } from "@/lib/schemas/server-info";

export function CapabilityRow({ capability: c }: { capability: Capability }) {
  const [copied, setCopied] = useState(false);
  return (
    <li className="flex flex-col gap-1 px-3 py-2 text-sm" data-testid={`capability-${c.id}`}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={c.ok ? "green" : "yellow"}>{c.ok ? "yes" : "no"}</Badge>
        <span className="font-medium">{c.label}</span>
        <span className="text-zinc-500">{c.detail}</span>
      </div>
      {c.features.length ? <div className="text-xs text-zinc-500">Affects: {c.features.join(" · ")}</div> : null}
      {c.fix ? (
        <div className="flex items-start gap-2">
          <pre className="flex-1 overflow-x-auto rounded bg-zinc-100 px-2 py-1 font-mono text-xs dark:bg-zinc-900">{c.fix}</pre>
          <Button
            size="sm"
            onClick={() => {
              void navigator.clipboard?.writeText(c.fix ?? "").then(() => setCopied(true));
            }}
          >
            {copied ? "Copied" : "Copy"}
          </Button>
        </div>
      ) : null}
    </li>
  );
}
