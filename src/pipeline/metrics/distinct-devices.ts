import type { Db } from '../db/open'

export const DEFINITION =
  'The number of distinct devices with a connect event in (T - W, T], W = 10 minutes by default (setting distinctWindowMin).'

export function distinctDevicesMetric(db: Db) {
  const stmt = db.prepare<[number, number], { n: number }>(
    `SELECT count(DISTINCT device) AS n FROM silver_events WHERE type = 'connect' AND ts > ? AND ts <= ?`,
  )
  return (tMs: number, windowMin: number): { windowMin: number; count: number } => ({
    windowMin,
    count: stmt.get(tMs - windowMin * 60_000, tMs)?.n ?? 0,
  })
}
