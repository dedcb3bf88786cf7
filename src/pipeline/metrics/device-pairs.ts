import type { Db } from '../db/open'
import type { DevicePair } from '../../shared/metrics'
import { PAIR_WINDOW_S } from '../gold/live-state'
import { liveAnchorQuery } from './live'

export const DEFINITION =
  'Bandwidth between devices: bytes * 8 / 60 s of the flow events in (T - 60 s, T] per ordered pair (device -> peer), largest first; pairs without bytes in the window are left out.'

type PairBytes = { device: string; peer: string; bytes: number }

export function devicePairsMetric(db: Db) {
  const stmt = db.prepare<[number, number, number], PairBytes>(
    `SELECT device, peer, sum(bytes) AS bytes FROM gold_flow_second WHERE sec > ? AND sec <= ?
     GROUP BY device, peer HAVING sum(bytes) > 0 ORDER BY bytes DESC, device, peer LIMIT ?`,
  )
  // At or after gold's newest second N, the live state has each pair's bytes in (N - 60 s, N]; the window at
  // T is that less the edge, the seconds (N - 60 s, T - 60 s]. The largest pairs at T are among the largest
  // at N that the edge does not touch, and the pairs it touches: the first `limit` plus as many as it
  // touches, and those.
  const live = db.prepare<{ anchor: number; edge: number; limit: number }, PairBytes>(
    `WITH edge AS MATERIALIZED (
       SELECT device, peer, sum(bytes) AS bytes FROM gold_flow_second
       WHERE sec > :anchor - ${PAIR_WINDOW_S} AND sec <= :edge GROUP BY device, peer),
     candidates AS (
       SELECT device, peer FROM (SELECT device, peer FROM gold_live_pairs ORDER BY bytes DESC, device, peer
                                 LIMIT :limit + (SELECT count(*) FROM edge))
       UNION SELECT device, peer FROM edge)
     SELECT c.device, c.peer, l.bytes - coalesce(e.bytes, 0) AS bytes
     FROM candidates c JOIN gold_live_pairs l ON l.device = c.device AND l.peer = c.peer
     LEFT JOIN edge e ON e.device = c.device AND e.peer = c.peer
     WHERE l.bytes - coalesce(e.bytes, 0) > 0
     ORDER BY bytes DESC, c.device, c.peer LIMIT :limit`,
  )
  const liveAnchor = liveAnchorQuery(db)
  return (sec: number, limit: number): DevicePair[] => {
    const anchor = liveAnchor(sec)
    const rows =
      anchor === null
        ? stmt.all(sec - PAIR_WINDOW_S, sec, limit)
        : live.all({ anchor, edge: Math.min(sec - PAIR_WINDOW_S, anchor), limit })
    return rows.map((r) => ({ device: r.device, peer: r.peer, bps: (r.bytes * 8) / PAIR_WINDOW_S }))
  }
}
