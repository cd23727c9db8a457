"use client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState, type ReactNode, type RefObject } from "react";
import { asApiError } from "@/lib/queries/freshness";
import { Pager } from "./pager";

// The one table of the console: sort by the header that names the column (on the server through
// the page's URL state, or here for small lists), paging, loading / error / empty / stale states,
// a sticky header, and virtualized rows for long lists.

export type SortDir = "asc" | "desc";

export interface Column<T> {
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** server-side sort: the key this header asks for (the page's query decides the order) */
  sortKey?: string;
  /** client-side sort: the value this header sorts by */
  sortValue?: (row: T) => number | string | null;
  /** the direction a first click sorts in: names ascending, sizes and ages descending */
  firstDir?: SortDir;
  align?: "left" | "right";
  /** a fixed width (fixed layout); the columns without one share the rest */
  width?: string;
  /** header tooltip: what the figure means */
  title?: string;
  className?: string;
}

type RowAttrs = Record<`data-${string}`, string | number | undefined> & { className?: string };

export interface DataTableProps<T> {
  columns: Column<T>[];
  rows: readonly T[] | undefined;
  rowKey: (row: T) => string | number;
  rowAttrs?: (row: T) => RowAttrs;
  /** server-side sort, controlled by the page */
  sort?: { key: string; dir: SortDir; onSort: (key: string, dir: SortDir) => void };
  /** client-side sort to start with (columns with sortValue) */
  initialSort?: { key: string; dir: SortDir };
  paging?: { total: number; limit: number; offset: number; onPage: (offset: number) => void };
  /** client-side paging of the (sorted) rows, for lists that arrive whole */
  pageSize?: number;
  /** the poll's error: without rows it is the table's message, with rows they are marked stale */
  error?: unknown;
  stale?: boolean;
  empty?: ReactNode;
  /** fixed-height rows in a scroll box of maxHeight: only the visible rows are in the DOM */
  virtual?: { rowHeight: number };
  /** a scroll box (the header sticks to its top); without it the table grows with its rows */
  maxHeight?: string;
  /** fixed: columns keep their widths (long text truncates instead of pushing the table wider) */
  layout?: "auto" | "fixed";
  minWidth?: string;
  toolbar?: ReactNode;
  testId?: string;
  label?: string;
}

function sortRows<T>(rows: readonly T[], col: Column<T> | undefined, dir: SortDir): readonly T[] {
  if (!col?.sortValue) return rows;
  const value = col.sortValue;
  const sign = dir === "asc" ? 1 : -1;
  // Nulls last either way; ties keep the order the rows came in.
  return rows
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((a, b) => {
      if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
      const c = typeof a.v === "number" && typeof b.v === "number" ? a.v - b.v : String(a.v).localeCompare(String(b.v));
      return c !== 0 ? c * sign : a.i - b.i;
    })
    .map((x) => x.row);
}

function HeaderCell<T>({ col, sortedKey, dir, onSort }: { col: Column<T>; sortedKey?: string; dir: SortDir; onSort?: (key: string, dir: SortDir) => void }) {
  const key = col.sortKey ?? (col.sortValue ? col.id : undefined);
  const active = key !== undefined && key === sortedKey;
  const align = col.align === "right" ? "text-right" : "text-left";
  return (
    <th
      scope="col"
      title={col.title}
      aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : undefined}
      className={`sticky top-0 z-10 border-b border-zinc-200 bg-zinc-50 px-2 py-1.5 font-medium whitespace-nowrap text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400 ${align}`}
    >
      {key && onSort ? (
        <button type="button" className="hover:underline" onClick={() => onSort(key, active ? (dir === "desc" ? "asc" : "desc") : (col.firstDir ?? "desc"))}>
          {col.header}
          {active ? (dir === "asc" ? " ▲" : " ▼") : ""}
        </button>
      ) : (
        col.header
      )}
    </th>
  );
}

function Row<T>({ row, columns, attrs, height }: { row: T; columns: Column<T>[]; attrs?: RowAttrs; height?: number }) {
  const { className, ...data } = attrs ?? {};
  return (
    <tr {...data} style={height ? { height } : undefined} className={`align-top hover:bg-zinc-50 dark:hover:bg-zinc-900 ${className ?? ""}`}>
      {columns.map((c) => (
        <td key={c.id} className={`border-t border-zinc-100 px-2 py-1 dark:border-zinc-800 ${c.align === "right" ? "text-right tabular-nums" : ""} ${c.className ?? ""}`}>
          {c.cell(row)}
        </td>
      ))}
    </tr>
  );
}

function VirtualRows<T>(p: { rows: readonly T[]; props: DataTableProps<T>; scroller: RefObject<HTMLDivElement | null>; rowHeight: number }) {
  const virtual = useVirtualizer({
    count: p.rows.length,
    getScrollElement: () => p.scroller.current,
    estimateSize: () => p.rowHeight,
    overscan: 12,
    // Server-rendered first rows show before the scripts load; the real size is measured after.
    initialRect: { width: 1366, height: 600 },
  });
  const items = virtual.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = virtual.getTotalSize() - (items.at(-1)?.end ?? 0);
  const span = p.props.columns.length;
  return (
    <>
      {top > 0 && <tr aria-hidden style={{ height: top }}><td colSpan={span} /></tr>}
      {items.map((v) => {
        const row = p.rows[v.index]!;
        return <Row key={p.props.rowKey(row)} row={row} columns={p.props.columns} attrs={p.props.rowAttrs?.(row)} height={p.rowHeight} />;
      })}
      {bottom > 0 && <tr aria-hidden style={{ height: bottom }}><td colSpan={span} /></tr>}
    </>
  );
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rows, sort, error, virtual, layout = "auto", pageSize } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [local, setLocal] = useState(props.initialSort);
  const [pageOffset, setPageOffset] = useState(0);
  const sortedKey = sort?.key ?? local?.key;
  const dir = sort?.dir ?? local?.dir ?? "desc";
  const onSort = sort ? sort.onSort : (key: string, d: SortDir) => setLocal({ key, dir: d });
  const sorted = useMemo(() => (rows && !sort ? sortRows(rows, columns.find((c) => c.id === local?.key), local?.dir ?? "desc") : rows), [rows, sort, columns, local]);
  // A page past the end (the list shrank) shows the last one.
  const offset = pageSize && sorted ? Math.min(pageOffset, Math.max(0, Math.floor((sorted.length - 1) / pageSize) * pageSize)) : 0;
  const shown = pageSize && sorted ? sorted.slice(offset, offset + pageSize) : sorted;
  const paging = props.paging ?? (pageSize && sorted && sorted.length > pageSize ? { total: sorted.length, limit: pageSize, offset, onPage: setPageOffset } : undefined);
  const err = asApiError(error);
  const stale = props.stale ?? (err !== undefined && rows !== undefined);
  const message = !rows ? (err ? `Could not load: ${err.message}` : "Loading…") : rows.length === 0 ? (props.empty ?? "Nothing to show.") : null;
  const boxed = virtual || props.maxHeight;
  return (
    <div className="flex min-w-0 flex-col gap-1">
      {(props.toolbar || paging) && (
        <div className="flex flex-wrap items-center justify-between gap-2">
          <div className="flex flex-wrap items-center gap-3">{props.toolbar}</div>
          {paging && <Pager {...paging} />}
        </div>
      )}
      <div
        ref={scroller}
        className={`overflow-auto rounded border dark:border-zinc-800 ${stale ? "border-amber-400 opacity-75" : "border-zinc-200"}`}
        style={boxed ? { maxHeight: props.maxHeight ?? "60vh" } : undefined}
        data-stale={stale ? "true" : undefined}
      >
        <table
          className={`w-full border-separate border-spacing-0 text-xs ${layout === "fixed" ? "table-fixed" : ""}`}
          style={props.minWidth ? { minWidth: props.minWidth } : undefined}
          data-testid={props.testId}
          aria-label={props.label}
          aria-rowcount={shown?.length}
        >
          {layout === "fixed" && (
            <colgroup>
              {columns.map((c) => (
                <col key={c.id} style={c.width ? { width: c.width } : undefined} />
              ))}
            </colgroup>
          )}
          <thead>
            <tr>
              {columns.map((c) => (
                <HeaderCell key={c.id} col={c} sortedKey={sortedKey} dir={dir} onSort={onSort} />
              ))}
            </tr>
          </thead>
          <tbody>
            {message !== null ? (
              <tr>
                <td colSpan={columns.length} className={`px-2 py-4 text-center ${!rows && err ? "text-red-700 dark:text-red-300" : "text-zinc-500"}`} data-testid="table-message">
                  {message}
                </td>
              </tr>
            ) : virtual ? (
              <VirtualRows rows={shown!} props={props} scroller={scroller} rowHeight={virtual.rowHeight} />
            ) : (
              shown!.map((row) => <Row key={props.rowKey(row)} row={row} columns={columns} attrs={props.rowAttrs?.(row)} />)
            )}
          </tbody>
        </table>
      </div>
    </div>
  );
}
