"use client";
import type { Column } from "@/components/ui/data-table";
import { qualifiedName } from "@/lib/names";
import type { useSelection } from "./selection";

type Row = { oid: number; schema: string; name: string };

/** The checkbox column of a table whose rows can be picked for a maintenance job. */
export function selectColumn<T extends Row>(sel: ReturnType<typeof useSelection>, noun: string): Column<T> {
  return {
    id: "select",
    header: <input type="checkbox" aria-label={`select all ${noun} on this page`} checked={sel.allOnPage} onChange={(e) => sel.setPage(e.target.checked)} />,
    cell: (r) => {
      const name = qualifiedName(r.schema, r.name);
      return <input type="checkbox" aria-label={`select ${name}`} checked={sel.has(r.oid)} onChange={() => sel.toggle(r.oid, name)} />;
    },
  };
}
