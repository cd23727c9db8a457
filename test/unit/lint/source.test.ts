import { describe, expect, it } from "vitest";
import { Source } from "@/lib/lint/source";

describe("Source offsets", () => {
  it("maps UTF-8 byte offsets (libpg_query locations) to string indices", () => {
    const s = new Source("é😀x");
    // é = 2 bytes, 😀 = 4 bytes (2 UTF-16 units), x = 1 byte
    expect([0, 2, 6, 7].map((b) => s.fromByte(b))).toEqual([0, 1, 3, 4]);
    expect(new Source("abc").fromByte(2)).toBe(2);
  });

  it("maps code point offsets (parser error positions) to string indices", () => {
    const s = new Source("😀😀x");
    expect(s.fromCodePoint(2)).toBe(4);
    expect(s.text[s.fromCodePoint(2)]).toBe("x");
  });

  it("counts lines for LF, CRLF and lone CR, and columns in characters", () => {
    const s = new Source("a\r\nb\rc\n😀d");
    expect(s.position(s.text.indexOf("b"))).toEqual({ line: 2, column: 1 });
    expect(s.position(s.text.indexOf("c"))).toEqual({ line: 3, column: 1 });
    expect(s.position(s.text.indexOf("d"))).toEqual({ line: 4, column: 2 });
    expect([1, 2, 3, 4, 5].map((l) => s.lineText(l))).toEqual(["a", "b", "c", "😀d", ""]);
  });
});
