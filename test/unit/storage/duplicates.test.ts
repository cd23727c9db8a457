import { describe, expect, test } from "vitest";
import { covers, duplicateIndexes, normalizeNodeTree, type IndexShape } from "@/lib/pg/relations/duplicates";

let next = 100;
function idx(keys: number[], extra: Partial<IndexShape> = {}): IndexShape {
  const nkey = extra.nkey ?? keys.length;
  return {
    oid: next++,
    tableOid: 1,
    am: "btree",
    unique: false,
    primary: false,
    valid: true,
    backsConstraint: false,
    nkey,
    keys,
    classes: keys.slice(0, nkey).map(() => "1978"),
    collations: keys.slice(0, nkey).map(() => "0"),
    options: keys.slice(0, nkey).map(() => 0),
    exprs: null,
    pred: null,
    ...extra,
  };
}

describe("covers", () => {
  test("a leading prefix is covered; a non-leading one is not", () => {
    expect(covers(idx([1, 2]), idx([1]))).toBe(true);
    expect(covers(idx([1, 2]), idx([2]))).toBe(false);
    expect(covers(idx([1]), idx([1, 2]))).toBe(false);
  });
  test("sort order, operator class, collation, predicate, method must match", () => {
    expect(covers(idx([1, 2]), idx([1], { options: [3] }))).toBe(false);
    expect(covers(idx([1, 2]), idx([1], { classes: ["3128"] }))).toBe(false);
    expect(covers(idx([1, 2]), idx([1], { collations: ["950"] }))).toBe(false);
    expect(covers(idx([1, 2]), idx([1], { pred: "{OPEXPR :location 40}" }))).toBe(false);
    expect(covers(idx([1, 2], { am: "hash" }), idx([1], { am: "hash" }))).toBe(false);
    expect(covers(idx([1], { am: "hash" }), idx([1], { am: "hash" }))).toBe(true);
    expect(covers(idx([1, 2], { tableOid: 2 }), idx([1]))).toBe(false);
    expect(covers(idx([1, 2], { valid: false }), idx([1]))).toBe(false);
  });
  test("a unique index is only replaced by an equally unique twin", () => {
    expect(covers(idx([1, 2]), idx([1], { unique: true }))).toBe(false);
    expect(covers(idx([1, 2], { unique: true }), idx([1], { unique: true }))).toBe(false);
    expect(covers(idx([1], { unique: true }), idx([1], { unique: true }))).toBe(true);
    expect(covers(idx([1], { unique: true }), idx([1]))).toBe(true);
  });
  test("INCLUDE columns must be available in the covering index", () => {
    expect(covers(idx([1, 2, 3]), idx([1, 3], { nkey: 1 }))).toBe(true);
    expect(covers(idx([1, 2]), idx([1, 3], { nkey: 1 }))).toBe(false);
  });
  test("expressions are compared as node trees, ignoring parse positions", () => {
    const e1 = "({FUNCEXPR :funcid 870 :args ({VAR :varattno 4 :location 32}) :location 26})";
    const e2 = "({FUNCEXPR :funcid 870 :args ({VAR :varattno 4 :location 41}) :location 35})";
    expect(normalizeNodeTree(e1)).toBe(normalizeNodeTree(e2));
    expect(covers(idx([0], { exprs: e1 }), idx([0], { exprs: e2 }))).toBe(true);
    expect(covers(idx([0], { exprs: e1 }), idx([0], { exprs: e1.replace("870", "871") }))).toBe(false);
  });
});

describe("duplicateIndexes", () => {
  test("of identical twins only the newer one is reported; a constraint's index is kept", () => {
    const a = idx([1]);
    const b = idx([1]);
    expect(duplicateIndexes([a, b]).map((d) => d.redundant.oid)).toEqual([b.oid]);
    const pk = idx([1], { primary: true, unique: true, backsConstraint: true });
    const plain = idx([1]);
    const found = duplicateIndexes([pk, plain]);
    expect(found.map((d) => [d.redundant.oid, d.coveredBy.oid])).toEqual([[plain.oid, pk.oid]]);
  });
  test("nothing reported among indexes that differ", () => {
    expect(duplicateIndexes([idx([1]), idx([2, 1]), idx([1], { options: [3] }), idx([1], { tableOid: 2 })])).toEqual([]);
  });
});
