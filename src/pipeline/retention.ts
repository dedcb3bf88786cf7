// Each layer keeps its rows for a number of days. Landing and bronze (and quarantine and duplicates) count
// them back from now, by the time their record arrived. Silver and gold count them back from the newest
// event in the database, by event time: history imported today, dated last month, is not deleted at the
// next start because the wall clock is a month ahead of it. Bronze rows go with their landing payload.
import { DATABASE_SCHEMAS } from './db/gold-file'
import type { Db } from './db/open'
import type { PipelineSettings } from '../shared/settings'
import { minuteOf } from './gold/buckets'
import { CLEAR_LATEST_MINUTES_BEFORE_SQL, EVERY_DEVICE_MINUTE_SQL } from './gold/device-minutes'
import { refillWindows } from './gold/live-state'
import { GOLD_TABLES } from './gold/tables'
import { NEWEST_EVENT_SQL, everyType } from './silver/event-time'

const DAY = 86_400_000

export type RetentionSetting = keyof PipelineSettings['retentionDays']

export interface RetentionGroup {
  /** What the tables hold, for people. */
  label: string
  layer: 'landing' | 'bronze' | 'silver' | 'gold'
  setting: RetentionSetting
  countedFrom: 'arrival' | 'newest-event'
  /**
   * Each table with its time column and the column's unit in ms (a row's time is column × unit), and when
   * its index has columns before the time column, a condition on them that every row meets (`leading`).
   */
  tables: {
    table: string
    column: string
    unitMs: number
    leading?: string
    elsewhere?: KeptElsewhere
  }[]
  /**
   * Its tables keep the same seconds in per-second and per-minute rows (per-second usage and each client's
   * usage per minute): its cutoff falls just after a whole minute, so a minute's row and its seconds go
   * together, and readers may take a window's bytes from either.
   */
  wholeMinutes?: true
}

/** A table whose rows are partly kept in another table: where, for the status and for a pass. */
interface KeptElsewhere {
  /** The table's rows as readers see them: what the status counts. */
  rows: string
  /** Deletes those kept elsewhere whose time column is before `?`, as a pass deletes the table's own. */
  clearSql: string
}

// Each device's latest minute is kept in its gold_devices row (gold/device-minutes.ts). The engine's memory
// keeps the minute's first event until the device's next event moves it to a later minute; only an event
// dated in that expired minute, older than the cutoff, would count it, and the next pass clears it again.
const KEPT_ELSEWHERE: Record<string, KeptElsewhere> = {
  gold_device_minutes: { rows: `(${EVERY_DEVICE_MINUTE_SQL})`, clearSql: CLEAR_LATEST_MINUTES_BEFORE_SQL },
}

const received = (table: string) => ({ table, column: 'received_at', unitMs: 1 })

// The connected devices per second (gold/connected-series.ts): kept as long as the device minutes they are
// counted from, and shown apart from them.
const CONNECTED_SERIES = new Set(['gold_connected_changes', 'gold_connected_minutes'])

/** The gold tables kept for `setting`'s days (gold/tables.ts), by their time bucket; those `only` keeps. */
const goldKeptBy = (
  setting: RetentionSetting,
  only: (table: string) => boolean = () => true,
): RetentionGroup['tables'] =>
  GOLD_TABLES.flatMap((t) =>
    t.kind === 'buckets' && t.time.retention === setting && only(t.name)
      ? [{ table: t.name, column: t.time.column, unitMs: t.time.unitMs, elsewhere: KEPT_ELSEWHERE[t.name] }]
      : [],
  )

/** In the order a pass deletes them: bronze before landing, whose deletes cascade to bronze. */
export const RETENTION_GROUPS: readonly RetentionGroup[] = [
  {
    label: 'Bronze records',
    layer: 'bronze',
    setting: 'bronze',
    countedFrom: 'arrival',
    tables: [received('bronze_records')],
  },
  {
    label: 'Landing payloads',
    layer: 'landing',
    setting: 'landing',
    countedFrom: 'arrival',
    tables: [received('landing_payloads')],
  },
  {
    label: 'Silver events',
    layer: 'silver',
    setting: 'silver',
    countedFrom: 'newest-event',
    tables: [{ table: 'silver_events', column: 'ts', unitMs: 1, leading: everyType() }],
  },
  {
    label: 'Quarantine and duplicates',
    layer: 'silver',
    setting: 'silver',
    countedFrom: 'arrival',
    tables: [received('silver_quarantine'), received('silver_duplicates')],
  },
  {
    label: 'Per-second gold (and per client per minute)',
    layer: 'gold',
    setting: 'goldSeconds',
    countedFrom: 'newest-event',
    tables: goldKeptBy('goldSeconds'),
    wholeMinutes: true,
  },
  {
    label: 'Device minutes',
    layer: 'gold',
    setting: 'silver',
    countedFrom: 'newest-event',
    tables: goldKeptBy('silver', (t) => !CONNECTED_SERIES.has(t)),
  },
  {
    label: 'Connected devices per second',
    layer: 'gold',
    setting: 'silver',
    countedFrom: 'newest-event',
    tables: goldKeptBy('silver', (t) => CONNECTED_SERIES.has(t)),
  },
  {
    label: 'Per-minute gold',
    layer: 'gold',
    setting: 'gold',
    countedFrom: 'newest-event',
    tables: goldKeptBy('gold'),
  },
]

/** The newest event time in silver (an index seek), or null when silver holds no event. */
export function newestEventQuery(db: Db): () => number | null {
  const newest = db.prepare<[], { ts: number | null }>(NEWEST_EVENT_SQL)
  return () => newest.get()?.ts ?? null
}

/**
 * The time the event-time layers count back from: the newest event, but never later than now, so that a
 * pass never deletes more than counting from the wall clock would. Null when there is no event.
 */
export const eventReference = (newestEvent: number | null, now: number): number | null =>
  newestEvent === null ? null : Math.min(newestEvent, now)

/**
 * The time before which a group's rows are deleted, epoch ms; null when there is nothing to count from
 * (event-time layers of a database without events). A row exactly at the cutoff stays.
 */
export function cutoffOf(
  group: RetentionGroup,
  days: PipelineSettings['retentionDays'],
  now: number,
  newestEvent: number | null,
): number | null {
  const from = group.countedFrom === 'arrival' ? now : eventReference(newestEvent, now)
  if (from === null) return null
  const cutoff = from - days[group.setting] * DAY
  // Rows are deleted when their bucket ends before the cutoff: moved to 1 ms into the minute bucket holding
  // it, the cutoff takes the minute before with each of its seconds, and keeps its own minute whole.
  return group.wholeMinutes ? (minuteOf(cutoff) - 1) * 60_000 + 1 : cutoff
}

/** The bound on the column itself (so the query uses its index): column × unit < cutoff. */
export const columnBound = (cutoff: number, unitMs: number): number => Math.ceil(cutoff / unitMs)

/** A table's rows before (`<`) or from (`>=`) a bound on its time column, as a condition an index answers. */
export const timeRangeSql = ({ column, leading }: RetentionGroup['tables'][number], op: '<' | '>='): string =>
  `${leading === undefined ? '' : `${leading} AND `}${column} ${op} ?`

/** A pass's delete of a table: a range on its time column, bound by `columnBound`, so an index search. */
export const retentionDeleteSql = (t: RetentionGroup['tables'][number]): string =>
  `DELETE FROM ${t.table} WHERE ${timeRangeSql(t, '<')}`

export function applyRetention(
  db: Db,
  days: PipelineSettings['retentionDays'],
  now: number,
): Record<string, number> {
  const deleted: Record<string, number> = {}
  db.transaction(() => {
    const newest = newestEventQuery(db)()
    for (const group of RETENTION_GROUPS) {
      const cutoff = cutoffOf(group, days, now, newest)
      for (const t of group.tables) {
        if (cutoff === null) {
          deleted[t.table] = 0
          continue
        }
        const bound = columnBound(cutoff, t.unitMs)
        // Rows kept elsewhere go as the table's own would (for the devices' latest minutes, a scan of them).
        deleted[t.table] =
          db.prepare(retentionDeleteSql(t)).run(bound).changes +
          (t.elsewhere ? db.prepare(t.elsewhere.clearSql).run(bound).changes : 0)
      }
    }
    // The windows of the live state count seconds: they may have been among those just taken.
    if (deleted.gold_client_usage_parts! > 0 || deleted.gold_flow_second! > 0) refillWindows(db)
  })()
  return deleted
}

export interface LayerSize {
  layer: 'landing' | 'bronze' | 'silver' | 'gold' | 'other'
  bytes: number
}

/**
 * On-disk size per layer, from SQLite's dbstat (tables and their indexes): one row per b-tree (aggregate),
 * which still visits every page but builds no row per page: 2.0-2.3 s for a 2.5 GB file instead of 7.6-14.
 */
export function layerSizes(db: Db): LayerSize[] {
  // Both files: the database's and gold's (db/gold-file.ts).
  const rows = DATABASE_SCHEMAS.flatMap((schema) =>
    db
      .prepare<[], { tbl: string; bytes: number }>(
        `SELECT coalesce(m.tbl_name, s.name) AS tbl, sum(s.pgsize) AS bytes
         FROM dbstat('${schema}') s LEFT JOIN ${schema}.sqlite_schema m ON m.name = s.name
         WHERE s.aggregate = TRUE GROUP BY tbl`,
      )
      .all(),
  )
  const totals = new Map<LayerSize['layer'], number>()
  for (const { tbl, bytes } of rows) {
    const prefix = tbl.split('_')[0]
    const layer = (['landing', 'bronze', 'silver', 'gold'] as const).find((l) => l === prefix) ?? 'other'
    totals.set(layer, (totals.get(layer) ?? 0) + bytes)
  }
  return (['landing', 'bronze', 'silver', 'gold', 'other'] as const).map((layer) => ({
    layer,
    bytes: totals.get(layer) ?? 0,
  }))
}
