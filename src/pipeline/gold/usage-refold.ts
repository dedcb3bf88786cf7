// Counts gold's usage tables again from silver by today's rules (docs/metrics.md, "Usage samples"): each
// sample spread over the interval it covers, under the device type of its device's latest connect at or
// before it in event time. Migration 7 ran a frozen copy of it (db/migrations/007-refold.ts) once on a
// database whose usage was counted by the older rules (bytes at the sample's ts, the type known when the
// sample was processed).
import type { Db } from '../db/open'
import { UNKNOWN_DEVICE_TYPE, UNKNOWN_SERVER } from './gold-stage'
import { refillClientMinutes } from './client-minutes'
import { refillWindows } from './live-state'
import { UsageWriter, addUsage, usageSums } from './usage-sums'

interface Row {
  ts: number
  type: 'connect' | 'usage'
  device: string
  server: string | null
  client: string | null
  device_type: string | null
  duration_ms: number | null
  bytes_down: number | null
  bytes_up: number | null
}

// Samples summed in memory before their buckets are written: bounds the memory of a large silver.
const SAMPLES_PER_WRITE = 100_000
const ROWS_PER_PAGE = 50_000

/**
 * Recounts the usage of the samples timed after `after` (epoch ms, a whole minute): the buckets after it
 * are emptied and filled again; the buckets at or before it keep what they hold, plus the parts of later
 * samples that fall in them.
 */
export function refoldUsage(db: Db, after: number): void {
  const afterSec = after / 1000
  const afterMinute = after / 60_000
  for (const table of ['gold_usage_second', 'gold_device_type_usage_second'])
    db.prepare(`DELETE FROM ${table} WHERE sec > ?`).run(afterSec)
  for (const table of ['gold_usage_minute', 'gold_client_usage_parts'])
    db.prepare(`DELETE FROM ${table} WHERE minute > ?`).run(afterMinute)

  const writer = new UsageWriter(db)
  // A device whose connects silver no longer holds (retention) keeps the type of its latest connect in gold
  // for the samples at or after that connect.
  const kept = db.prepare<[string], { connect_ts: number | null; device_type: string | null }>(
    'SELECT connect_ts, device_type FROM gold_devices WHERE device = ?',
  )
  const types = new Map<string, string>()
  const typeOf = (device: string, ts: number): string => {
    const known = types.get(device)
    if (known !== undefined) return known
    const k = kept.get(device)
    return k && k.connect_ts !== null && k.connect_ts <= ts
      ? (k.device_type ?? UNKNOWN_DEVICE_TYPE)
      : UNKNOWN_DEVICE_TYPE
  }
  let sums = usageSums()
  let pending = 0
  const fold = (e: Row) => {
    if (e.type === 'connect') {
      types.set(e.device, e.device_type ?? UNKNOWN_DEVICE_TYPE)
      return
    }
    if (e.ts <= after) return
    addUsage(sums, e, e.server ?? UNKNOWN_SERVER, e.client ?? '', typeOf(e.device, e.ts))
    if (++pending >= SAMPLES_PER_WRITE) write()
  }
  const write = () => {
    writer.write(sums)
    sums = usageSums()
    pending = 0
  }

  // In event time; at equal ts a connect before a sample (at or before it), and connects in silver's order.
  // Read in pages: the connection cannot write while a statement iterates.
  const page = db.prepare<[number, number, number, number, number], Row & { usage: number; id: number }>(
    `SELECT id, ts, type = 'usage' AS usage, type, device, server, client, device_type, duration_ms, bytes_down,
       bytes_up
     FROM silver_events WHERE type IN ('connect', 'usage') AND ts >= ? AND (ts, type = 'usage', id) > (?, ?, ?)
     ORDER BY ts, type = 'usage', id LIMIT ?`,
  )
  let from: [number, number, number] = [-Infinity, 0, 0]
  for (;;) {
    const rows = page.all(from[0], ...from, ROWS_PER_PAGE)
    for (const e of rows) fold(e)
    if (rows.length < ROWS_PER_PAGE) break
    const last = rows.at(-1)!
    from = [last.ts, last.usage, last.id]
  }
  write()
  // The type table holds no row of 0 bytes (GoldStage.writeTypeSeconds).
  db.prepare('DELETE FROM gold_device_type_usage_second WHERE bytes = 0').run()
  refillClientMinutes(db, afterMinute)
  refillWindows(db)
}
