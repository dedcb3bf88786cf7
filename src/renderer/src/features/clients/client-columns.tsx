// The heavy-user table's columns. Sorting is the engine's: a column is sortable when the API can sort by it.
import { createColumnHelper } from '@tanstack/react-table'
import type { ClientRow, ClientSortColumn } from '../../../../shared/api'
import { clientSortColumns } from '../../../../shared/api'
import { formatBitRate, formatShare, formatTime } from '../../lib/format'

/** A row with its position in the whole sorted view, which is also its id in the table. */
export interface IndexedClientRow extends ClientRow {
  index: number
}

export interface ClientColumnMeta {
  /** Right-aligned figures. */
  numeric?: boolean
  /** Fixed width in px; the client column takes what is left. */
  width: number
}

const column = createColumnHelper<IndexedClientRow>()
const mbps = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 })

// formatTime builds its Intl formatters on every call, and scrolling formats a few hundred times a second:
// each second's text is kept, for today (the date shows only for other days).
const seenTexts = new Map<number, string>()
let seenDay = ''
function formatLastSeen(ms: number): string {
  const today = new Date().toDateString()
  if (today !== seenDay || seenTexts.size > 50_000) {
    seenTexts.clear()
    seenDay = today
  }
  const second = Math.floor(ms / 1000)
  let text = seenTexts.get(second)
  if (text === undefined) {
    text = formatTime(ms, new Date(ms).toDateString() !== today)
    seenTexts.set(second, text)
  }
  return text
}

export const PLAN_CLASS_LABELS: Record<ClientRow['planClass'], string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  unknown: 'Unknown',
}

export function isSortColumn(id: string): id is ClientSortColumn {
  return (clientSortColumns as readonly string[]).includes(id)
}

export const clientColumns = [
  column.accessor('client', {
    header: 'Client',
    meta: { width: 200 },
    cell: (c) => <span className="client-name">{c.getValue()}</span>,
  }),
  column.accessor('server', {
    header: 'Server',
    meta: { width: 110 },
    cell: (c) => c.getValue() ?? <span className="muted">–</span>,
  }),
  column.accessor('bps', {
    header: 'Throughput (5 min)',
    sortDescFirst: true,
    meta: { width: 175, numeric: true },
    cell: (c) => formatBitRate(c.getValue()),
  }),
  column.accessor('shareOfServer', {
    header: 'Share of server',
    sortDescFirst: true,
    meta: { width: 145, numeric: true },
    cell: (c) => formatShare(c.getValue()),
  }),
  column.accessor('devices', {
    header: 'Devices',
    sortDescFirst: true,
    meta: { width: 90, numeric: true },
  }),
  column.accessor('planMbps', {
    header: 'Plan',
    sortDescFirst: true,
    meta: { width: 110, numeric: true },
    cell: (c) => {
      const plan = c.getValue()
      return plan === null ? <span className="muted">–</span> : `${mbps.format(plan)} Mb/s`
    },
  }),
  column.accessor('planClass', {
    header: 'Plan class',
    enableSorting: false,
    meta: { width: 110 },
    cell: (c) => <span className={`plan-class plan-${c.getValue()}`}>{PLAN_CLASS_LABELS[c.getValue()]}</span>,
  }),
  column.accessor('lastSeen', {
    header: 'Last seen',
    sortDescFirst: true,
    meta: { width: 190, numeric: true },
    cell: (c) => formatLastSeen(c.getValue()),
  }),
  column.accessor('heavy', {
    header: 'Heavy',
    enableSorting: false,
    meta: { width: 90 },
    cell: (c) =>
      c.getValue() ? (
        <span className="heavy-marker" title="At or above the heavy threshold">
          Heavy
        </span>
      ) : (
        <span className="muted" aria-label="not heavy">
          –
        </span>
      ),
  }),
]
