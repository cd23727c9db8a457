// Offsets in a SQL file. libpg_query reports node and statement locations in UTF-8 BYTES and
// error positions in CHARACTERS (code points, 0-based); JavaScript strings index UTF-16 units.
// Everything here converts to UTF-16 indices so that `sql.slice()` and line numbers are right
// for any text (accents, emoji, CJK identifiers).

export class Source {
  readonly text: string;
  readonly #ascii: boolean;
  #byteToUnit?: Int32Array;
  #lineStarts?: number[];

  constructor(text: string) {
    this.text = text;
    this.#ascii = Buffer.byteLength(text, "utf8") === text.length;
  }

  /** UTF-8 byte offset → UTF-16 index. */
  fromByte(byte: number): number {
    if (this.#ascii) return Math.min(byte, this.text.length);
    this.#byteToUnit ??= buildByteMap(this.text);
    const clamped = Math.max(0, Math.min(byte, this.#byteToUnit.length - 1));
    return this.#byteToUnit[clamped] ?? this.text.length;
  }

  /** 0-based code point index → UTF-16 index. */
  fromCodePoint(cp: number): number {
    if (this.#ascii) return Math.min(cp, this.text.length);
    let unit = 0;
    for (let i = 0; i < cp && unit < this.text.length; i++) {
      const c = this.text.codePointAt(unit) ?? 0;
      unit += c > 0xffff ? 2 : 1;
    }
    return unit;
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    this.#lineStarts ??= buildLineStarts(this.text);
    const start = this.#lineStarts[line - 1];
    if (start === undefined) return "";
    let end = this.#lineStarts[line] ?? this.text.length;
    while (end > start && (this.text[end - 1] === "\n" || this.text[end - 1] === "\r")) end--;
    return this.text.slice(start, end);
  }

  /** 1-based line and column (in characters) of a UTF-16 index. */
  position(unit: number): { line: number; column: number } {
    this.#lineStarts ??= buildLineStarts(this.text);
    const starts = this.#lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= unit) lo = mid;
      else hi = mid - 1;
    }
    const lineStart = starts[lo] ?? 0;
    return { line: lo + 1, column: [...this.text.slice(lineStart, unit)].length + 1 };
  }
}

function buildByteMap(text: string): Int32Array {
  const map = new Int32Array(Buffer.byteLength(text, "utf8") + 1);
  let byte = 0;
  for (let unit = 0; unit < text.length; ) {
    const cp = text.codePointAt(unit) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let b = 0; b < bytes; b++) map[byte + b] = unit;
    byte += bytes;
    unit += units;
  }
  map[byte] = text.length;
  return map;
}

function buildLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) starts.push(i + 1);
    else if (ch === 13 && text.charCodeAt(i + 1) !== 10) starts.push(i + 1); // lone CR (old Mac files)
  }
  return starts;
}

/** The statement's text for a finding, shortened when long (kept as written: it is shown monospace). */
export function excerptOf(text: string, max = 400): string {
  const trimmed = text.trim();
  return trimmed.length > max ? `${trimmed.slice(0, max - 1)}…` : trimmed;
}
