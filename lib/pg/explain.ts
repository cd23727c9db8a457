import "server-only";
import { env } from "@/lib/config/env";
import type { ExplainResponse } from "@/lib/schemas/statements";
import { DbError } from "./errors";
import { REDACTED_WHOLE } from "./redact";
import { read } from "./run";
import { statementParams, whyNotPlainSelect } from "./statement-tables";
import type { Target } from "./pools";

// EXPLAIN of a statement pg_stat_statements recorded (issue 13 item 4). The text is the normalized
// one ($1 … for its constants): on 16+ EXPLAIN (GENERIC_PLAN) plans it as is; otherwise the admin
// gives the values, sent as real parameters (never spliced into the text). EXPLAIN ANALYZE runs
// the statement, so it is allowed only for one SELECT that writes nothing (checked on the parse
// tree), and always inside BEGIN READ ONLY with SET LOCAL statement_timeout, ended by ROLLBACK: a
// function that writes fails there with 25006 instead of writing.

const FACTS = /* sql */ `
  SELECT current_setting('server_version_num')::int AS version_num, pg_is_in_recovery() AS standby,
         CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS lag_s`;

const READ_ONLY_TRANSACTION = "25006";

export interface ExplainInput {
  text: string;
  analyze: boolean;
  params?: string[];
}

type Mode = ExplainResponse["mode"];

function base(mode: Mode, timeoutMs: number): ExplainResponse {
  return { outcome: "refused", message: null, mode, plan: null, text: null, standby: null, statementTimeoutMs: timeoutMs, sqlstate: null };
}

/** Refusals that need no database: a redacted text, too few values, a non-SELECT for ANALYZE. */
export async function explainRefusal(input: ExplainInput, versionNum: number): Promise<{ mode: Mode; refusal: string | null }> {
  const n = await statementParams(input.text);
  const given = input.params?.length ?? 0;
  const mode: Mode = input.analyze ? "analyze" : given > 0 || n === 0 || versionNum < 160000 ? "params" : "generic";
  if (input.text === REDACTED_WHOLE || input.text.includes("'[redacted]'")) {
    return { mode, refusal: "The stored text had a secret redacted from it; it is not the statement that ran, so it is not explained." };
  }
  const single = await whyNotPlainSelect(input.text);
  // A text that is not exactly one statement is never sent, with or without ANALYZE: through the
  // simple protocol a second statement would run outside the EXPLAIN.
  if (single && /^(it holds|the statement could not)/.test(single)) return { mode, refusal: `Not explained: ${single}.` };
  if (input.analyze && single) return { mode, refusal: `EXPLAIN ANALYZE runs the statement, so it is allowed only for a single SELECT that writes nothing: ${single}.` };
  if (mode !== "generic" && given !== n) {
    return {
      mode,
      refusal:
        n > given
          ? `The statement has ${n} parameter${n === 1 ? "" : "s"} ($1 … $${n}): give ${n === 1 ? "its value" : "their values"}${versionNum < 160000 && !input.analyze ? " (GENERIC_PLAN needs PostgreSQL 16)" : ""}.`
          : `The statement has ${n} parameter${n === 1 ? "" : "s"}, but ${given} values were given.`,
    };
  }
  return { mode, refusal: null };
}

/** Runs the EXPLAIN on `target`'s database; never throws for PostgreSQL's own refusals. */
export async function explainStatement(target: Target, input: ExplainInput): Promise<ExplainResponse> {
  const timeoutMs = env().PGWARDEN_EXPLAIN_TIMEOUT_MS;
  let out = base(input.analyze ? "analyze" : "generic", timeoutMs);
  try {
    return await read(
      target,
      async (db) => {
        const f = (await db.query(FACTS)).rows[0];
        const { mode, refusal } = await explainRefusal(input, f.version_num);
        out = { ...base(mode, timeoutMs), standby: f.standby ? { lagS: f.lag_s === null ? null : Number(f.lag_s) } : null };
        if (refusal) return { ...out, message: refusal };
        const options = mode === "analyze" ? "ANALYZE, BUFFERS, " : mode === "generic" ? "GENERIC_PLAN, " : "";
        const values = mode === "generic" ? undefined : input.params && input.params.length ? input.params : undefined;
        const json = await db.query(`EXPLAIN (${options}FORMAT JSON) ${input.text}`, values);
        // The text form of a plan costs a second planning only; never a second execution.
        const text = mode === "analyze" ? null : await db.query(`EXPLAIN (${options}FORMAT TEXT) ${input.text}`, values);
        const plan = json.rows[0]?.["QUERY PLAN"] ?? null;
        return {
          ...out,
          outcome: "ok",
          plan,
          text: text ? text.rows.map((r) => r["QUERY PLAN"] as string).join("\n") : null,
          message: out.standby ? standbyNote(out.standby.lagS) : null,
        };
      },
      { statementTimeoutMs: timeoutMs, rollback: true },
    );
  } catch (err) {
    const e = err instanceof DbError ? err : undefined;
    if (!e) throw err;
    if (e.sqlstate === READ_ONLY_TRANSACTION) {
      return {
        ...out,
        outcome: "refused",
        sqlstate: e.sqlstate,
        message:
          "The statement tried to write (a function it calls modifies data). It ran in a READ ONLY transaction, so the write failed and nothing was changed; EXPLAIN ANALYZE is not possible for it — use EXPLAIN without ANALYZE.",
      };
    }
    if (e.code === "statement_timeout") {
      return { ...out, outcome: "failed", sqlstate: e.sqlstate ?? null, message: `Cancelled at the statement_timeout of ${timeoutMs / 1000} s (PGWARDEN_EXPLAIN_TIMEOUT_MS); nothing was kept.` };
    }
    if (e.code === "unreachable" || e.code === "console_busy" || e.code === "database_not_found") throw e;
    return { ...out, outcome: "failed", sqlstate: e.sqlstate ?? null, message: e.message };
  }
}

function standbyNote(lagS: number | null): string {
  return `This server is a standby: it plans and runs on data replayed from the primary${
    lagS === null ? "" : `, which it last replayed ${Math.round(lagS)} s ago`
  }. Row counts and timings may differ from the primary's.`;
}
