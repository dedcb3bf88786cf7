import type { Db } from '../db/open'
import type { DevicePair } from '../../shared/metrics'
import { PAIR_WINDOW_S } from '../gold/live-state'
import { compareBinary } from '../db/binary-order'
import { liveAnchorQuery, takenSql } from './live'
import { SecondsWindow, type WindowListener } from './seconds-window'
import { snapshotKeyQuery } from './snapshot-key'

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
  // The window's rows, kept between the calls of a page left open (seconds-window.ts).
  const flowRows = db.prepare<[number, number], [number, string, string, number]>(
    'SELECT sec, device, peer, bytes FROM gold_flow_second WHERE sec > ? AND sec <= ?',
  )
  const sums = new PairSums()
  const window = new SecondsWindow(
    snapshotKeyQuery(db),
    (from, to) =>
      flowRows
        .raw()
        .all(from, to)
        .map(([sec, device, peer, bytes]) => [sec, { device, peer, bytes }] as const),
    sums,
  )
  const fromSql = (sec: number, limit: number): PairBytes[] => {
    const anchor = liveAnchor(sec)
    return anchor === null ? stmt.all(sec - PAIR_WINDOW_S, sec, limit) : live.all({ anchor, sec, limit })
  }
  return (sec: number, limit: number): DevicePair[] => {
    const held = window.rows(sec - PAIR_WINDOW_S, sec)
    const rows = held ? sums.top(limit) : fromSql(sec, limit)
    return rows.map((r) => ({ device: r.device, peer: r.peer, bps: (r.bytes * 8) / PAIR_WINDOW_S }))
  }
}

/**
 * Each pair's bytes over the rows a window holds, kept as rows enter and leave it, and the statement's answer
 * from them: the largest sums above 0, then by device and peer in binary order. The answer is kept until a
 * row moves: a page asks the same window again for each panel that shows it.
 */
class PairSums implements WindowListener<PairBytes> {
  private readonly pairs = new Map<string, PairBytes & { rows: number }>()
  private answer: { limit: number; rows: PairBytes[] } | null = null

  added(r: PairBytes): void {
    const key = `${r.device}\u0000${r.peer}`
    const pair = this.pairs.get(key)
    if (pair) {
      pair.bytes += r.bytes
      pair.rows++
    } else this.pairs.set(key, { ...r, rows: 1 })
    this.answer = null
  }

  removed(r: PairBytes): void {
    const key = `${r.device}\u0000${r.peer}`
    const pair = this.pairs.get(key)!
    pair.bytes -= r.bytes
    if (--pair.rows === 0) this.pairs.delete(key)
    this.answer = null
  }

  cleared(): void {
    this.pairs.clear()
    this.answer = null
  }

  top(limit: number): PairBytes[] {
    if (this.answer?.limit !== limit) {
      // The best `limit` so far, in order: a pass over the pairs, not a sort of all of them.
      const best: PairBytes[] = []
      for (const { device, peer, bytes } of this.pairs.values()) {
        if (bytes <= 0 || limit <= 0) continue
        const pair = { device, peer, bytes }
        if (best.length === limit && before(best.at(-1)!, pair)) continue
        let i = best.length
        while (i > 0 && before(pair, best[i - 1]!)) i--
        best.splice(i, 0, pair)
        if (best.length > limit) best.pop()
      }
      this.answer = { limit, rows: best }
    }
    return this.answer.rows
  }
}

/** Whether `a` comes before `b` in the statement's order. */
const before = (a: PairBytes, b: PairBytes): boolean =>
  (b.bytes - a.bytes || compareBinary(a.device, b.device) || compareBinary(a.peer, b.peer)) < 0
