// Every server with its connection and throughput utilisation, sortable by any column; a row leads to the
// server's page.
import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table'
import { useState } from 'react'
import type { ServerUtilisation } from '../../../../shared/metrics'
import { hrefOf } from '../../app/router'
import { formatBitRate, formatCount } from '../../lib/format'
import { DefaultCapacity } from './DefaultCapacity'
import { finite, levelOf, worst } from './utilisation'
import { UtilisationBar } from './UtilisationBar'

const column = createColumnHelper<ServerUtilisation>()
const serverHref = (server: string) => hrefOf({ page: 'server', server })

const columns = [
  column.accessor('server', {
    header: 'Server',
    sortingFn: 'alphanumeric',
    cell: ({ row: { original: s } }) => (
      <div className="srv-name">
        <a href={serverHref(s.server)} data-testid="server-link">
          {s.server}
        </a>
        {(s.name || s.region) && (
          <span className="srv-sub">{[s.name, s.region].filter(Boolean).join(' · ')}</span>
        )}
        {!s.inInventory && <DefaultCapacity />}
      </div>
    ),
  }),
  column.accessor('connectedDevices', {
    header: 'Connected / max',
    meta: { numeric: true },
    cell: ({ row: { original: s } }) =>
      `${formatCount(s.connectedDevices)} / ${formatCount(s.maxConnections)}`,
  }),
  column.accessor((s) => finite(s.connectionUtilisation) ?? undefined, {
    id: 'connectionUtilisation',
    header: 'Connection utilisation',
    sortUndefined: 'last',
    cell: ({ row: { original: s } }) => (
      <UtilisationBar value={s.connectionUtilisation} label={`${s.server} connection utilisation`} />
    ),
  }),
  column.accessor('throughputBps', {
    header: 'Throughput (last min) / capacity',
    meta: { numeric: true },
    cell: ({ row: { original: s } }) =>
      `${formatBitRate(s.throughputBps)} / ${formatBitRate(s.capacityMbps * 1e6)}`,
  }),
  column.accessor((s) => finite(s.throughputUtilisation) ?? undefined, {
    id: 'throughputUtilisation',
    header: 'Throughput utilisation',
    sortUndefined: 'last',
    cell: ({ row: { original: s } }) => (
      <UtilisationBar value={s.throughputUtilisation} label={`${s.server} throughput utilisation`} />
    ),
  }),
]

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const

export function ServersTable({ servers }: { servers: ServerUtilisation[] }) {
  const [sorting, setSorting] = useState<SortingState>([{ id: 'server', desc: false }])
  // eslint-disable-next-line react-hooks/incompatible-library -- no React Compiler here; the table is only read while rendering
  const table = useReactTable({
    data: servers,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    enableSortingRemoval: false,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (s) => s.server,
  })
  return (
    <table className="srv-table" data-testid="servers-table">
      <thead>
        {table.getHeaderGroups().map((group) => (
          <tr key={group.id}>
            {group.headers.map((header) => {
              const sorted = header.column.getIsSorted()
              const numeric = (header.column.columnDef.meta as { numeric?: boolean } | undefined)?.numeric
              return (
                <th
                  key={header.id}
                  scope="col"
                  aria-sort={sorted ? ARIA_SORT[sorted] : 'none'}
                  className={numeric ? 'num' : undefined}
                >
                  <button
                    type="button"
                    className="srv-sort"
                    onClick={header.column.getToggleSortingHandler()}
                    data-testid={`sort-${header.id}`}
                  >
                    {flexRender(header.column.columnDef.header, header.getContext())}
                    <span aria-hidden="true" className="srv-sort-mark">
                      {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}
                    </span>
                  </button>
                </th>
              )
            })}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => {
          const s = row.original
          const level = worst(levelOf(s.connectionUtilisation), levelOf(s.throughputUtilisation))
          return (
            <tr
              key={row.id}
              data-testid="server-row"
              data-server={s.server}
              data-level={level}
              className={`srv-row srv-row-${level}`}
              // The link in the first cell is the keyboard way; the whole row is a larger target for a mouse.
              onClick={(e) => {
                if (!(e.target as HTMLElement).closest('a')) location.hash = serverHref(s.server)
              }}
            >
              {row.getVisibleCells().map((cell) => {
                const numeric = (cell.column.columnDef.meta as { numeric?: boolean } | undefined)?.numeric
                return (
                  <td key={cell.id} className={numeric ? 'num' : undefined}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                )
              })}
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
