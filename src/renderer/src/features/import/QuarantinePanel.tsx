// Records that failed validation, with where they came from and why, newest first. Long lists stay fast:
// only the rows in view are in the DOM.
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useCallback, useMemo, useRef, useState } from 'react'
import type { QuarantineRow } from '../../../../shared/api'
import { useImports } from '../../app/imports-context'
import { Panel } from '../../components/Panel'
import { formatCount, formatTime } from '../../lib/format'
import { useQuarantine } from './use-quarantine'

/** Records longer than this get a toggle; the DOM holds at most RAW_PREVIEW_CHARS of a closed one. */
const RAW_TOGGLE_CHARS = 60
const RAW_PREVIEW_CHARS = 120
const column = createColumnHelper<QuarantineRow>()

export function QuarantinePanel() {
  const { finished } = useImports()
  const [reloads, setReloads] = useState(0)
  const quarantine = useQuarantine(`${finished[0]?.importId ?? ''}|${reloads}`)
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set())

  const toggle = useCallback(
    (id: number) =>
      setExpanded((s) => {
        const next = new Set(s)
        if (!next.delete(id)) next.add(id)
        return next
      }),
    [],
  )

  return (
    <Panel
      title="Quarantine"
      id="quarantine"
      loading={quarantine.loading}
      error={quarantine.rows.length === 0 ? quarantine.error : undefined}
      empty={quarantine.rows.length === 0}
      emptyText="No record has been quarantined: every record read so far was valid."
      actions={
        <button type="button" onClick={() => setReloads((n) => n + 1)} aria-label="Show the newest records">
          Refresh
        </button>
      }
    >
      <p className="import-note">
        {formatCount(quarantine.rows.length)} record{quarantine.rows.length === 1 ? '' : 's'} shown, newest
        first. Each is kept as received; the reason names the first problem found.
      </p>
      <QuarantineTable rows={quarantine.rows} expanded={expanded} onToggle={toggle} />
      {quarantine.error && (
        <p className="state-error" role="alert">
          Could not load more: {quarantine.error.message}
        </p>
      )}
      {quarantine.hasMore && (
        <div className="import-load-more">
          <button
            type="button"
            onClick={quarantine.loadMore}
            disabled={quarantine.loadingMore}
            data-testid="quarantine-load-more"
          >
            {quarantine.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
    </Panel>
  )
}

function QuarantineTable({
  rows,
  expanded,
  onToggle,
}: {
  rows: QuarantineRow[]
  expanded: ReadonlySet<number>
  onToggle: (id: number) => void
}) {
  const columns = useMemo(
    () => [
      column.accessor('receivedAt', {
        header: 'Received',
        cell: (c) => formatTime(c.getValue(), true),
      }),
      column.accessor('source', {
        header: 'Source',
        cell: (c) => (
          <span className="import-ellipsis" title={c.getValue()}>
            {sourceLabel(c.getValue())}
          </span>
        ),
      }),
      column.accessor('line', { header: 'Line' }),
      column.accessor('field', { header: 'Field', cell: (c) => c.getValue() ?? '(record)' }),
      column.accessor('reason', {
        header: 'Reason',
        cell: (c) => <span className="quarantine-reason">{c.getValue()}</span>,
      }),
      column.accessor('raw', {
        header: 'Raw record',
        cell: (c) => (
          <RawRecord
            raw={c.getValue()}
            line={c.row.original.line}
            expanded={expanded.has(c.row.original.id)}
            onToggle={() => onToggle(c.row.original.id)}
          />
        ),
      }),
    ],
    [expanded, onToggle],
  )
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => String(row.id),
  })
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 33,
    overscan: 12,
  })
  const items = virtualizer.getVirtualItems()
  const tableRows = table.getRowModel().rows
  const padTop = items[0]?.start ?? 0
  const padBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0)
  const span = columns.length

  return (
    <div className="import-scroll import-quarantine-scroll" ref={scroller}>
      <table data-testid="quarantine-table" className="import-quarantine-table">
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((h) => (
                <th key={h.id} scope="col" className={cellClass(h.column.id)}>
                  {flexRender(h.column.columnDef.header, h.getContext())}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody>
          {padTop > 0 && (
            <tr aria-hidden="true">
              <td colSpan={span} style={{ height: padTop, padding: 0, border: 0 }} />
            </tr>
          )}
          {items.map((item) => {
            const row = tableRows[item.index]!
            return (
              <tr
                key={row.id}
                data-index={item.index}
                ref={virtualizer.measureElement}
                data-testid="quarantine-row"
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} className={cellClass(cell.column.id)}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            )
          })}
          {padBottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={span} style={{ height: padBottom, padding: 0, border: 0 }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  )
}

function RawRecord({
  raw,
  line,
  expanded,
  onToggle,
}: {
  raw: string
  line: number
  expanded: boolean
  onToggle: () => void
}) {
  const long = raw.length > RAW_TOGGLE_CHARS
  return (
    <div className={`raw-record ${expanded ? 'expanded' : ''}`}>
      <code data-testid="quarantine-raw">
        {expanded || raw.length <= RAW_PREVIEW_CHARS ? raw : `${raw.slice(0, RAW_PREVIEW_CHARS)}…`}
      </code>
      {long && (
        <button
          type="button"
          className="import-link-button"
          aria-expanded={expanded}
          aria-label={
            expanded ? `Shorten the record of line ${line}` : `Show all of the record of line ${line}`
          }
          onClick={onToggle}
        >
          {expanded ? 'Less' : 'More'}
        </button>
      )}
    </div>
  )
}

const cellClass = (columnId: string) => `col-${columnId}${columnId === 'line' ? ' num' : ''}`

/** Files by their name (the full source is in the tooltip); device apps and the demo feed as they are. */
function sourceLabel(source: string): string {
  return source.startsWith('file:') ? (source.slice(5).split(/[\\/]/).pop() ?? source) : source
}
