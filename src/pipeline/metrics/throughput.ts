import type { Db } from '../db/open'
import type { ThroughputMetric } from '../../shared/metrics'
import type { ConnectedGroup } from './connected-devices'

import { compareBinary } from '../db/binary-order'
import { SecondsWindow, eachRow } from './seconds-window'
import { snapshotKeyQuery } from './snapshot-key'
export const DEFINITION =
  'Throughput in use: (bytes_down + bytes_up) * 8 of the usage bytes that fall in (T - 10 s, T], each sample spread evenly over the interval it covers, divided by 10 s; in total, per server and per direction, with its per-second series over the last 15 minutes. Provisioned bandwidth: the sum of plan_mbps of the connected devices, each from its latest connect.'

const WINDOW_S = 10
const SERIES_SECONDS = 900

export function throughputMetric(db: Db) {
  const perServer = db.prepare<[number, number], { server: string; down: number; up: number }>(
    `SELECT server, sum(bytes_down) AS down, sum(bytes_up) AS up
     FROM gold_usage_second WHERE sec > ? AND sec <= ? GROUP BY server`,
  )
  const series = db.prepare<[number, number], { sec: number; bytes: number }>(
    `SELECT sec, sum(bytes_down + bytes_up) AS bytes FROM gold_usage_second WHERE sec > ? AND sec <= ? GROUP BY sec`,
  )
  const rows = db.prepare<[number, number], [number, string, number, number]>(
    'SELECT sec, server, bytes_down, bytes_up FROM gold_usage_second WHERE sec > ? AND sec <= ?',
  )
  const window = new SecondsWindow(snapshotKeyQuery(db), (from, to) =>
    rows
      .raw()
      .all(from, to)
      .map(([sec, server, down, up]) => [sec, { server, down, up }] as const),
  )
  // The same sums as the statements above, from the seconds kept: per server in SQL's order of them.
  const sumsOf = (held: NonNullable<ReturnType<typeof window.rows>>, sec: number) => {
    const bySec = new Map<number, number>()
    const servers = new Map<string, { server: string; down: number; up: number }>()
    eachRow(held, sec - SERIES_SECONDS, sec, (r, s) => {
      bySec.set(s, (bySec.get(s) ?? 0) + r.down + r.up)
      if (s <= sec - WINDOW_S) return
      const server = servers.get(r.server) ?? { server: r.server, down: 0, up: 0 }
      server.down += r.down
      server.up += r.up
      servers.set(r.server, server)
    })
    return { bySec, perServer: [...servers.values()].sort((a, b) => compareBinary(a.server, b.server)) }
  }
  return (sec: number, connected: readonly ConnectedGroup[]): ThroughputMetric => {
    const rate = (bytes: number) => (bytes * 8) / WINDOW_S
    const held = window.rows(sec - SERIES_SECONDS, sec)
    const sums = held ? sumsOf(held, sec) : null
    const byServer = (sums?.perServer ?? perServer.all(sec - WINDOW_S, sec))
      .map((r) => ({ server: r.server, bps: rate(r.down + r.up), downBps: rate(r.down), upBps: rate(r.up) }))
      .sort((a, b) => b.bps - a.bps)
    const bySec = sums?.bySec ?? new Map(series.all(sec - SERIES_SECONDS, sec).map((r) => [r.sec, r.bytes]))
    const perSecond = []
    for (let s = sec - SERIES_SECONDS + 1; s <= sec; s++)
      perSecond.push({ t: s * 1000, bps: (bySec.get(s) ?? 0) * 8 })
    return {
      totalBps: byServer.reduce((a, r) => a + r.bps, 0),
      downBps: byServer.reduce((a, r) => a + r.downBps, 0),
      upBps: byServer.reduce((a, r) => a + r.upBps, 0),
      byServer,
      perSecond,
      provisionedBps: connected.reduce((a, g) => a + g.planMbps, 0) * 1e6,
    }
  }
}
