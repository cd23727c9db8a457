import "server-only";
import { resolveDatabase } from "@/lib/pg/databases";
import { explainStatement } from "@/lib/pg/explain";
import type { ExplainRequest, ExplainResponse } from "@/lib/schemas/statements";
import type { RequestAudit } from "@/lib/store/audit";
import { storedStatementText } from "@/lib/store/statement-reads";

/**
 * EXPLAIN (ANALYZE) of a recorded statement: admin only (the route's "explain" permission), audited
 * with an intent before and the outcome after. The audit row names the statement and the mode; the
 * parameter VALUES are not recorded (they are data, possibly personal), only how many were given.
 * A plan shows no table data: what an admin sees is estimates, row counts and timings.
 */
export async function explainAction(server: string, queryid: string, req: ExplainRequest, audit: RequestAudit): Promise<ExplainResponse> {
  const intentId = await audit.intent({
    database: req.db,
    action: req.analyze ? "explain_analyze" : "explain",
    target: { name: `queryid ${queryid}` },
    params: { queryid, analyze: req.analyze, values: req.params?.length ?? 0 },
  });
  let result: ExplainResponse | undefined;
  try {
    const text = await storedStatementText(server, queryid);
    if (text === null) {
      result = {
        outcome: "refused",
        message: "The console has no text for this statement (it was never captured by the sampler).",
        mode: req.analyze ? "analyze" : "generic",
        plan: null,
        text: null,
        standby: null,
        statementTimeoutMs: 0,
        sqlstate: null,
      };
      return result;
    }
    const target = await resolveDatabase(server, req.db);
    result = await explainStatement(target, { text, analyze: req.analyze, params: req.params });
    return result;
  } finally {
    const outcome = !result ? "unknown" : result.outcome === "ok" ? "ok" : result.outcome === "refused" ? "denied" : "failed";
    await audit.outcome(intentId, outcome, result?.sqlstate ?? undefined, result?.message ?? undefined);
  }
}
