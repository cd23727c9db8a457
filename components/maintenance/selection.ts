"use client";
import { useCallback, useMemo, useState } from "react";
import { qualifiedName } from "@/lib/names";

type Row = { oid: number; schema: string; name: string };

/**
 * Rows picked for a job, by OID with the name shown in the dialog; survives polls and paging.
 * `pageRows` are the rows on screen, for the "select all on this page" box.
 */
export function useSelection(pageRows: Row[] = []) {
  const [picked, setPicked] = useState<Map<number, string>>(() => new Map());
  const toggle = useCallback((oid: number, name: string) => {
    setPicked((prev) => {
      const next = new Map(prev);
      if (next.has(oid)) next.delete(oid);
      else next.set(oid, name);
      return next;
    });
  }, []);
  const setMany = useCallback((rows: { oid: number; name: string }[], on: boolean) => {
    setPicked((prev) => {
      const next = new Map(prev);
      for (const r of rows) {
        if (on) next.set(r.oid, r.name);
        else next.delete(r.oid);
      }
      return next;
    });
  }, []);
  const clear = useCallback(() => setPicked(new Map()), []);
  const selected = useMemo(() => [...picked].map(([oid, name]) => ({ oid, name })), [picked]);
  const page = pageRows.map((r) => ({ oid: r.oid, name: qualifiedName(r.schema, r.name) }));
  return {
    has: (oid: number) => picked.has(oid),
    toggle,
    setMany,
    clear,
    selected,
    allOnPage: page.length > 0 && page.every((r) => picked.has(r.oid)),
    setPage: (on: boolean) => setMany(page, on),
  };
}
