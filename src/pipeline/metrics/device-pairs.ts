import type { Db } from '../db/open'
import type { DevicePair } from '../../shared/metrics'
import { PAIR_WINDOW_S } from '../gold/live-state'
import { liveAnchorQuery, takenSql } from './live'

export const DEFINITION =
  'Bandwidth between devices: bytes * 8 / 60 s of the flow events in (T - 60 s, T] per ordered pair (device -> peer), largest first; pairs without bytes in the window are left out.'

type PairBytes = { device: string; peer: string; bytes: number }

export function devicePairsMetric(db: Db) {
  const stmt = db.prepare<[number, number, number], PairBytes>(
    `SELECT device, peer, sum(bytes) AS bytes FROM gold_flow_second WHERE sec > ? AND sec <= ?
     GROUP BY device, peer HAVING sum(bytes) > 0 ORDER BY bytes DESC, device, peer LIMIT ?`,
  )
  // Near or after gold's newest second N, the live state has each pair's bytes in (N - 60 s, N]; the window at
  // T is that less what `taken` says (takenSql). The largest pairs at T are among the largest at N that `taken` does not touch, and the pairs it touches: the
  // first `limit` plus as many as it touches, and those.
  const live = db.prepare<{ anchor: number; sec: number; limit: number }, PairBytes>(
    `WITH taken AS MATERIALIZED (${takenSql('gold_flow_second', ['device', 'peer'], PAIR_WINDOW_S)}),
     candidates AS (
       SELECT device, peer FROM (SELECT device, peer FROM gold_live_pairs ORDER BY bytes DESC, device, peer
                                 LIMIT :limit + (SELECT count(*) FROM taken))
       UNION SELECT device, peer FROM taken)
     SELECT c.device, c.peer, coalesce(l.bytes, 0) - coalesce(e.bytes, 0) AS bytes
     FROM candidates c LEFT JOIN gold_live_pairs l ON l.device = c.device AND l.peer = c.peer
     LEFT JOIN taken e ON e.device = c.device AND e.peer = c.peer
     WHERE coalesce(l.bytes, 0) - coalesce(e.bytes, 0) > 0
     ORDER BY bytes DESC, c.device, c.peer LIMIT :limit`,
  )
  const liveAnchor = liveAnchorQuery(db)
  return (sec: number, limit: number): DevicePair[] => {
    const anchor = liveAnchor(sec)
    const rows =
      anchor === null ? stmt.all(sec - PAIR_WINDOW_S, sec, limit) : live.all({ anchor, sec, limit })
    return rows.map((r) => ({ device: r.device, peer: r.peer, bps: (r.bytes * 8) / PAIR_WINDOW_S }))
  }
}
