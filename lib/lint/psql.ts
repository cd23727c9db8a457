// psql scripts: meta-commands (\set, \connect, \i, \gexec …) are psql's, not SQL, so PostgreSQL's
// parser rejects them. They are blanked out with spaces (every line and column stays where it
// was) and listed, so the SQL around them is still linted. The lexer finds them, so a backslash
// inside a string, a comment or a dollar-quoted body is left alone.
import { scanSync } from "libpg-query";
import { Source } from "./source";

export interface PsqlCommand {
  /** e.g. "\set", "\gexec". */
  name: string;
  /** UTF-16 index in the file. */
  offset: number;
}

export interface PsqlScript {
  /** The file with meta-commands replaced by spaces (same length, same line breaks). */
  text: string;
  commands: PsqlCommand[];
  /** UTF-16 offsets of \gexec: the query before it builds statements that psql then runs. */
  gexec: number[];
}

// These send the query buffer to the server, so they end a statement like a semicolon does.
const SENDS_BUFFER = /^\\(g|gx|gset|gexec|gdesc|watch|crosstabview)$/;

function commandAt(text: string, start: number): { name: string; end: number } {
  let end = text.indexOf("\n", start);
  if (end < 0) end = text.length;
  const name = /^\\([A-Za-z]+|.)/.exec(text.slice(start, end))?.[0] ?? "\\";
  return { name, end };
}

/** Backslashes that start a meta-command, by the lexer; by line start when the lexer gives up. */
function commandStarts(sql: string, source: Source): { starts: number[]; variables: number[] } {
  try {
    const tokens = scanSync(sql).tokens ?? [];
    const starts: number[] = [];
    const colons: number[] = [];
    let skipUntil = -1;
    tokens.forEach((t, i) => {
      const at = source.fromByte(t.start);
      if (at < skipUntil) return;
      if (t.text === "\\") {
        starts.push(at);
        skipUntil = commandAt(sql, at).end;
      } else if (t.text === ":") {
        // :name, :'name', :"name" — psql variables, written right after the colon.
        const next = tokens[i + 1];
        if (next && next.start === t.end && (next.tokenName === "IDENT" || next.tokenName === "SCONST" || next.keywordKind > 0)) colons.push(at);
      }
    });
    return { starts, variables: starts.length > 0 ? colons : [] };
  } catch {
    // An unbalanced quote in a meta-command's argument (\echo don't) defeats the lexer.
    const starts: number[] = [];
    const re = /^[ \t]*\\/gm;
    for (let m = re.exec(sql); m; m = re.exec(sql)) starts.push(m.index + m[0].length - 1);
    return { starts, variables: [] };
  }
}

export function stripPsql(sql: string): PsqlScript {
  if (!sql.includes("\\")) return { text: sql, commands: [], gexec: [] };
  const { starts, variables } = commandStarts(sql, new Source(sql));
  if (starts.length === 0) return { text: sql, commands: [], gexec: [] };
  const units = sql.split("");
  const commands: PsqlCommand[] = [];
  const gexec: number[] = [];
  for (const start of starts) {
    const { name, end } = commandAt(sql, start);
    commands.push({ name, offset: start });
    for (let i = start; i < end; i++) if (units[i] !== "\r") units[i] = " ";
    if (SENDS_BUFFER.test(name)) {
      units[start] = ";";
      if (name === "\\gexec") gexec.push(start);
    }
  }
  // The variable's name stays, read as an identifier or literal: close enough to lint the statement.
  for (const at of variables) units[at] = " ";
  return { text: units.join(""), commands, gexec };
}
