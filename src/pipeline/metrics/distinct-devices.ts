import type { Db } from '../db/open'
import { AFTER_T } from './connected-devices'
import { liveAnchorQuery } from './live'
import { foldedByGold } from '../silver/event-time'

export const DEFINITION =
  'The number of distinct devices with a connect event in (T - W, T], W = 10 minutes by default (setting distinctWindowMin).'

export function distinctDevicesMetric(db: Db) {
  // gold_devices keeps each device's latest connect: when it is at or before T, it tells whether the device
  // connected in the window; silver is read only for the devices that connected again after T, through
  // silver_events_status (`+x.type` keeps SQLite from scanning every connect of the window instead).
  const stmt = db.prepare<{ from: number; t: number }, { n: number }>(
    `SELECT count(*) AS n FROM gold_devices d
     WHERE d.connect_ts > :from AND (d.connect_ts <= :t OR EXISTS (
       SELECT 1 FROM silver_events x
       WHERE x.device = d.device AND x.type IN ('connect', 'disconnect') AND +x.type = 'connect'
         AND x.ts > :from AND x.ts <= :t AND ${foldedByGold('x.id')}))`,
  )
  // Near or after gold's newest second: the live state counts devices per second of their latest connect,
  // those at or before T; a device whose latest connect is after T is looked for in silver as above.
  const live = db.prepare<{ from: number; t: number }, { n: number }>(
    `SELECT (SELECT coalesce(sum(devices), 0) FROM gold_live_connects WHERE sec > :from / 1000 AND sec <= :t / 1000)
       + (SELECT count(*) FROM ${AFTER_T} d WHERE d.connect_ts > :t AND EXISTS (
            SELECT 1 FROM silver_events x
            WHERE x.device = d.device AND x.type IN ('connect', 'disconnect') AND +x.type = 'connect'
              AND x.ts > :from AND x.ts <= :t AND ${foldedByGold('x.id')})) AS n`,
  )
  const liveAnchor = liveAnchorQuery(db)
  return (tMs: number, windowMin: number): { windowMin: number; count: number } => {
    const from = tMs - windowMin * 60_000
    const count =
      from % 1000 === 0 && tMs % 1000 === 0 && liveAnchor(tMs / 1000) !== null
        ? live.get({ from, t: tMs })?.n
        : stmt.get({ from, t: tMs })?.n
    return { windowMin, count: count ?? 0 }
  }
}
