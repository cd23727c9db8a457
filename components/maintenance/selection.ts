"use client";
import { useCallback, useMemo, useState } from "react";

/** Rows picked for a job, by OID with the name shown in the dialog; survives polls and paging. */
export function useSelection() {
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
  return { has: (oid: number) => picked.has(oid), toggle, setMany, clear, selected };
}
