// The server inventory: each access server's capacity, edited in Settings or imported from CSV or JSON.
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import type { Db } from './db/open'
import type { ServerInventoryRow } from '../shared/alerts'

export const inventoryRow = z.object({
  server: z.string('must be a string').trim().min(1, 'must not be empty').max(200),
  name: z
    .string()
    .trim()
    .max(200)
    .nullish()
    .transform((v) => v || null),
  region: z
    .string()
    .trim()
    .max(200)
    .nullish()
    .transform((v) => v || null),
  maxConnections: z.coerce
    .number('must be a number')
    .int('must be a whole number')
    .positive('must be above 0'),
  capacityMbps: z.coerce.number('must be a number').positive('must be above 0'),
})

export function listInventory(db: Db): ServerInventoryRow[] {
  return db
    .prepare<[], ServerInventoryRow>(
      `SELECT server, name, region, max_connections AS maxConnections, capacity_mbps AS capacityMbps
       FROM settings_servers ORDER BY server`,
    )
    .all()
}

export function upsertInventory(db: Db, rows: readonly ServerInventoryRow[]): void {
  const stmt = db.prepare(
    `INSERT INTO settings_servers (server, name, region, max_connections, capacity_mbps) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (server) DO UPDATE SET name = excluded.name, region = excluded.region,
       max_connections = excluded.max_connections, capacity_mbps = excluded.capacity_mbps`,
  )
  db.transaction(() => {
    for (const r of rows) stmt.run(r.server, r.name, r.region, r.maxConnections, r.capacityMbps)
  })()
}

export function deleteInventory(db: Db, server: string): boolean {
  return db.prepare('DELETE FROM settings_servers WHERE server = ?').run(server).changes > 0
}

/** The CSV header: each entry is one column, under any of its spellings; name and region may be left out. */
const CSV_COLUMNS = [
  { names: ['server'], required: true },
  { names: ['name'], required: false },
  { names: ['region'], required: false },
  { names: ['max_connections', 'maxConnections'], required: true },
  { names: ['capacity_mbps', 'capacityMbps'], required: true },
] as const

/** Why a CSV header cannot be read as an inventory, or null when it can. */
function headerError(found: readonly string[]): string | null {
  const missing = CSV_COLUMNS.filter((c) => c.required && !c.names.some((n) => found.includes(n)))
  if (missing.length === 0) return null
  // Every row would fail on the same field: one message that shows both headers says more.
  const expected = CSV_COLUMNS.map((c) => c.names.join('|')).join(', ')
  return `line 1: expected the columns ${expected} (name and region may be left out); found ${found.join(', ') || 'none'}`
}

/**
 * Reads an inventory file: a JSON array of rows, or CSV with a header (server, name, region,
 * max_connections or maxConnections, capacity_mbps or capacityMbps). All rows are checked before any is
 * saved; the errors say which row and field, or which columns a CSV header lacks.
 */
export function parseInventory(text: string): { rows: ServerInventoryRow[]; errors: string[] } {
  const trimmed = text.replace(/^\uFEFF/, '').trim()
  let records: Record<string, unknown>[]
  let firstLine = 1
  try {
    if (trimmed.startsWith('[')) {
      records = JSON.parse(trimmed) as Record<string, unknown>[]
      if (!Array.isArray(records)) return { rows: [], errors: ['expected a JSON array of servers'] }
    } else {
      let header: string[] = []
      records = parse(trimmed, {
        columns: (names: string[]) => {
          header = names
          return names
        },
        skip_empty_lines: true,
        trim: true,
        bom: true,
      }) as Record<string, unknown>[]
      const error = headerError(header)
      if (trimmed !== '' && error) return { rows: [], errors: [error] }
      firstLine = 2
    }
  } catch (error) {
    return { rows: [], errors: [`cannot read the file: ${(error as Error).message}`] }
  }
  const rows: ServerInventoryRow[] = []
  const errors: string[] = []
  records.forEach((record, i) => {
    const r = typeof record === 'object' && record !== null ? record : {}
    const parsed = inventoryRow.safeParse({
      ...r,
      maxConnections: r.maxConnections ?? r.max_connections,
      capacityMbps: r.capacityMbps ?? r.capacity_mbps,
    })
    if (parsed.success) rows.push(parsed.data)
    else {
      const issue = parsed.error.issues[0]
      errors.push(
        `${trimmed.startsWith('[') ? 'element' : 'line'} ${i + firstLine}: ${issue?.path.join('.')} ${issue?.message}`,
      )
    }
  })
  return { rows, errors }
}
