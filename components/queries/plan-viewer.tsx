"use client";
import { Button } from "@/components/ui/button";
import { formatDuration, formatNumber } from "@/lib/format";
import { MISESTIMATE_FACTOR, planText, readPlan } from "@/lib/explain/plan";

function download(name: string, text: string, type: string) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** The plan as a tree (node, relation, estimated vs actual rows, self time, loops, buffers), findings first. */
export function PlanViewer({ plan, text, queryid }: { plan: unknown; text: string | null; queryid: string }) {
  const p = readPlan(plan);
  const raw = text ?? planText(p);
  const json = JSON.stringify(plan, null, 2);
  const maxSelf = Math.max(...p.nodes.map((n) => n.exclusiveMs ?? 0), 0);
  return (
    <div className="flex flex-col gap-2" data-testid="plan-viewer">
      {p.findings.length > 0 && (
        <ul className="flex flex-col gap-1 text-sm" data-testid="plan-findings">
          {p.findings.map((f, i) => (
            <li key={i} className={f.severity === "warn" ? "text-amber-800 dark:text-amber-300" : "text-zinc-700 dark:text-zinc-300"}>
              <a href={`#plan-node-${f.nodeId}`} className="hover:underline">{f.text}</a>
            </li>
          ))}
        </ul>
      )}
      <p className="text-xs text-zinc-500">
        {p.planningMs !== null && <>planning {formatDuration(p.planningMs)} · </>}
        {p.executionMs !== null && <>execution {formatDuration(p.executionMs)} · </>}
        {p.analyzed ? `rows are per loop; estimates off by × ${MISESTIMATE_FACTOR} or more are highlighted` : "estimates only (no ANALYZE)"}
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-xs" data-testid="plan-tree">
          <thead className="text-left text-zinc-500">
            <tr>
              <th className="px-1">node</th>
              <th className="px-1 text-right">est. rows</th>
              <th className="px-1 text-right">actual rows</th>
              <th className="px-1 text-right">loops</th>
              <th className="px-1 text-right">self time</th>
              <th className="px-1 text-right">buffers hit / read</th>
              <th className="px-1 text-right">temp</th>
            </tr>
          </thead>
          <tbody>
            {p.nodes.map((n) => {
              const off = n.misestimate !== null && n.misestimate >= MISESTIMATE_FACTOR;
              const hot = maxSelf > 0 && (n.exclusiveMs ?? 0) >= maxSelf * 0.5;
              return (
                <tr key={n.id} id={`plan-node-${n.id}`} className="border-t border-zinc-100 align-top dark:border-zinc-800" data-testid="plan-node">
                  <td className="px-1 py-0.5" style={{ paddingLeft: `${n.depth * 1.25 + 0.25}rem` }}>
                    <span className="font-medium">{n.depth > 0 && "→ "}{n.nodeType}</span>
                    {n.index && <span className="font-mono"> using {n.index}</span>}
                    {n.relation && <span className="font-mono"> on {n.relation}</span>}
                    {n.detail && <div className="font-mono text-zinc-500 break-all">{n.detail}</div>}
                  </td>
                  <td className="px-1 text-right">{formatNumber(n.estRows)}</td>
                  <td className={`px-1 text-right ${off ? "rounded bg-amber-100 font-semibold text-amber-900 dark:bg-amber-900/40 dark:text-amber-200" : ""}`} title={off ? `estimate off by × ${formatNumber(n.misestimate!)}` : undefined}>
                    {n.actualRows === null ? "–" : formatNumber(n.actualRows)}
                  </td>
                  <td className="px-1 text-right">{n.loops === null ? "–" : formatNumber(n.loops)}</td>
                  <td className={`px-1 text-right ${hot ? "font-semibold text-red-700 dark:text-red-400" : ""}`}>{n.exclusiveMs === null ? "–" : formatDuration(n.exclusiveMs)}</td>
                  <td className="px-1 text-right">{n.sharedHit === null ? "–" : `${formatNumber(n.sharedHit)} / ${formatNumber(n.sharedRead ?? 0)}`}</td>
                  <td className="px-1 text-right">{n.tempBlocks === null || n.tempBlocks === 0 ? "–" : formatNumber(n.tempBlocks)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <div className="flex flex-wrap gap-2">
        <Button size="sm" onClick={() => void navigator.clipboard?.writeText(raw).catch(() => {})}>copy text</Button>
        <Button size="sm" onClick={() => void navigator.clipboard?.writeText(json).catch(() => {})}>copy JSON</Button>
        <Button size="sm" onClick={() => download(`plan-${queryid}.txt`, raw, "text/plain")}>download text</Button>
        <Button size="sm" onClick={() => download(`plan-${queryid}.json`, json, "application/json")}>download JSON</Button>
      </div>
      <details>
        <summary className="cursor-pointer text-xs text-zinc-500">raw text</summary>
        <pre className="overflow-x-auto font-mono text-xs" data-testid="plan-text">{raw}</pre>
      </details>
    </div>
  );
}
