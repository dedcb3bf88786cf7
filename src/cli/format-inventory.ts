// The server inventory for a terminal: an aligned table to read, or CSV that `vigia inventory import` reads back.
import { stringify } from 'csv-stringify/sync'
import type { ServerInventoryRow } from '../shared/alerts'
import { formatBitRate } from '../shared/units'

export function formatInventoryTable(rows: readonly ServerInventoryRow[]): string {
  if (rows.length === 0) return 'the inventory is empty'
  const header = ['server', 'name', 'region', 'max connections', 'capacity']
  const cells = rows.map((r) => [
    r.server,
    r.name ?? '',
    r.region ?? '',
    String(r.maxConnections),
    formatBitRate(r.capacityMbps * 1e6),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]?.length ?? 0)))
  // Numbers are right-aligned so their digits line up.
  const line = (row: readonly string[]) =>
    row
      .map((cell, i) => (i >= 3 ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd()
  return [line(header), ...cells.map(line)].join('\n')
}

/** The column names are the ones the import reads, so a listing can be edited and imported again. */
export function formatInventoryCsv(rows: readonly ServerInventoryRow[]): string {
  return stringify(
    rows.map((r) => [r.server, r.name ?? '', r.region ?? '', r.maxConnections, r.capacityMbps]),
    { header: true, columns: ['server', 'name', 'region', 'max_connections', 'capacity_mbps'] },
  )
}
