import type { Db } from '../db/open'
import type { DevicePair } from '../../shared/metrics'

export const DEFINITION =
  'Bandwidth between devices: bytes * 8 / 60 s of the flow events in (T - 60 s, T] per ordered pair (device -> peer), largest first.'

export function devicePairsMetric(db: Db) {
  const stmt = db.prepare<[number, number, number], { device: string; peer: string; bytes: number }>(
    `SELECT device, peer, sum(bytes) AS bytes FROM gold_flow_second WHERE sec > ? AND sec <= ?
     GROUP BY device, peer ORDER BY bytes DESC, device, peer LIMIT ?`,
  )
  return (sec: number, limit: number): DevicePair[] =>
    stmt.all(sec - 60, sec, limit).map((r) => ({ device: r.device, peer: r.peer, bps: (r.bytes * 8) / 60 }))
}
