import type { Db } from '../db/open'

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
         AND x.ts > :from AND x.ts <= :t))`,
  )
  return (tMs: number, windowMin: number): { windowMin: number; count: number } => ({
    windowMin,
    count: stmt.get({ from: tMs - windowMin * 60_000, t: tMs })?.n ?? 0,
  })
}
