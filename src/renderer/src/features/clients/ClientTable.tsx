// The heavy-user table: TanStack Table for columns, headers and sort state, TanStack Virtual for the rows.
// Only the rows in view exist in the DOM and in the table model; the engine sorts, filters and pages.
import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type Column,
  type OnChangeFn,
  type SortingState,
} from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useLayoutEffect, useRef } from 'react'
import { clientColumns, type ClientColumnMeta, type IndexedClientRow } from './client-columns'
import { rowAt, type ClientPagesSnapshot } from './client-page-store'

const ROW_HEIGHT = 34
const OVERSCAN_ROWS = 12
// Pages are asked for a little beyond the rendered rows, so scrolling reaches rows that have arrived.
const PREFETCH_ROWS = 40

interface ClientTableProps {
  snapshot: ClientPagesSnapshot
  total: number
  sorting: SortingState
  onSortingChange: OnChangeFn<SortingState>
  onRangeChange: (firstRow: number, lastRow: number) => void
}

const metaOf = (column: Column<IndexedClientRow, unknown>) => column.columnDef.meta as ClientColumnMeta
const cellClass = (column: Column<IndexedClientRow, unknown>) =>
  `col-${column.id}${metaOf(column).numeric ? ' num' : ''}`
const cellStyle = (column: Column<IndexedClientRow, unknown>) =>
  column.id === 'client' ? { minWidth: metaOf(column).width } : { width: metaOf(column).width }

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const

export function ClientTable({ snapshot, total, sorting, onSortingChange, onRangeChange }: ClientTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  // useVirtualizer and useReactTable return mutable instances; this app does not use the React Compiler.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN_ROWS,
  })
  const items = virtualizer.getVirtualItems()
  const data: IndexedClientRow[] = []
  for (const item of items) {
    const row = rowAt(snapshot, item.index)
    if (row) data.push({ ...row, index: item.index })
  }

  const table = useReactTable({
    data,
    columns: clientColumns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => String(row.index),
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    rowCount: total,
    enableMultiSort: false,
    enableSortingRemoval: false,
    state: { sorting },
    onSortingChange,
  })
  const rowsById = table.getRowModel().rowsById

  // A new view (sort, filters, time) opens at its top; a live refresh keeps the reader where they are.
  // The rows rendered with the new view still sit where the old one was scrolled: that range is not
  // reported, the one after the scroll to the top is.
  const scrollingToTop = useRef(false)
  useLayoutEffect(() => {
    scrollingToTop.current = (scrollRef.current?.scrollTop ?? 0) > 0
    virtualizer.scrollToOffset(0)
  }, [snapshot.key, virtualizer])

  const first = items[0]?.index
  const last = items.at(-1)?.index
  useEffect(() => {
    if (scrollingToTop.current) scrollingToTop.current = false
    else if (first !== undefined && last !== undefined)
      onRangeChange(first - PREFETCH_ROWS, last + PREFETCH_ROWS)
  }, [first, last, onRangeChange, snapshot.key])

  const columns = table.getVisibleLeafColumns()
  const minWidth = columns.reduce((width, column) => width + metaOf(column).width, 0)
  return (
    <div
      ref={scrollRef}
      className={`clients-scroll${snapshot.updating ? ' updating' : ''}`}
      tabIndex={0}
      role="region"
      aria-label="Clients table, scrollable"
      aria-busy={snapshot.updating}
      data-testid="clients-table"
    >
      <table
        role="table"
        className="clients-table"
        style={{ minWidth }}
        aria-label="Clients"
        aria-rowcount={total + 1}
      >
        <thead role="rowgroup">
          {table.getHeaderGroups().map((group) => (
            <tr role="row" key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => {
                const { column } = header
                const sorted = column.getIsSorted()
                return (
                  <th
                    role="columnheader"
                    key={header.id}
                    className={cellClass(column)}
                    style={cellStyle(column)}
                    aria-sort={column.getCanSort() ? (sorted ? ARIA_SORT[sorted] : 'none') : undefined}
                    scope="col"
                  >
                    {column.getCanSort() ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={column.getToggleSortingHandler()}
                        data-testid={`sort-${column.id}`}
                        title={`Sort by ${String(column.columnDef.header)}`}
                      >
                        {flexRender(column.columnDef.header, header.getContext())}
                        <span className="sort-indicator" aria-hidden="true">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                        </span>
                      </button>
                    ) : (
                      flexRender(column.columnDef.header, header.getContext())
                    )}
                  </th>
                )
              })}
            </tr>
          ))}
        </thead>
        <tbody role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rowsById[String(item.index)]
            const style = { height: item.size, transform: `translateY(${item.start}px)` }
            if (!row)
              return (
                <tr
                  role="row"
                  key={item.key}
                  className="client-row placeholder"
                  style={style}
                  aria-rowindex={item.index + 2}
                  aria-busy="true"
                  data-index={item.index}
                  data-testid="client-row-placeholder"
                >
                  {columns.map((column) => (
                    <td role="cell" key={column.id} className={cellClass(column)} style={cellStyle(column)}>
                      <span className="skeleton" />
                    </td>
                  ))}
                </tr>
              )
            const client = row.original
            return (
              <tr
                role="row"
                key={item.key}
                className={`client-row${client.heavy ? ' heavy' : ''}`}
                style={style}
                aria-rowindex={item.index + 2}
                data-index={item.index}
                data-client={client.client}
                data-bps={client.bps}
                data-heavy={client.heavy}
                data-testid="client-row"
              >
                {row.getVisibleCells().map((cell) => (
                  <td
                    role="cell"
                    key={cell.id}
                    className={cellClass(cell.column)}
                    style={cellStyle(cell.column)}
                  >
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
