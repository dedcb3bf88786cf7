import type { Db } from '../db/open'
import type { ConnectionsMetric, SecondCount } from '../../shared/metrics'
import { compareBinary } from '../db/binary-order'
import { devicesPerServer, type ConnectedGroup } from './connected-devices'
import { SecondsWindow, eachRow } from './seconds-window'
import { snapshotKeyQuery } from './snapshot-key'

export const DEFINITION =
  'Connects and disconnects per second over the last 15 minutes, their totals over the last 60 s, and the number of connected devices at T; in total, and per server for the 60 s totals and the connected devices.'

const SERIES_SECONDS = 900

export function connectionsMetric(db: Db) {
  const series = db.prepare<[number, number], { sec: number; connects: number; disconnects: number }>(
    `SELECT sec, sum(connects) AS connects, sum(disconnects) AS disconnects
     FROM gold_conn_second WHERE sec > ? AND sec <= ? GROUP BY sec`,
  )
  const perServer = db.prepare<[number, number], { server: string; connects: number; disconnects: number }>(
    `SELECT server, sum(connects) AS connects, sum(disconnects) AS disconnects
     FROM gold_conn_second WHERE sec > ? AND sec <= ? GROUP BY server`,
  )
  const rows = db.prepare<[number, number], [number, string, number, number]>(
    'SELECT sec, server, connects, disconnects FROM gold_conn_second WHERE sec > ? AND sec <= ?',
  )
  const window = new SecondsWindow(snapshotKeyQuery(db), (from, to) =>
    rows
      .raw()
      .all(from, to)
      .map(([sec, server, connects, disconnects]) => [sec, { server, connects, disconnects }] as const),
  )
  // The same sums as the statements above, from the seconds kept (the same integers).
  const sumsOf = (held: NonNullable<ReturnType<typeof window.rows>>, sec: number) => {
    const bySec = new Map<number, { connects: number; disconnects: number }>()
    const byServer = new Map<string, { server: string; connects: number; disconnects: number }>()
    eachRow(held, sec - SERIES_SECONDS, sec, (r, s) => {
      const second = bySec.get(s) ?? { connects: 0, disconnects: 0 }
      second.connects += r.connects
      second.disconnects += r.disconnects
      bySec.set(s, second)
      if (s <= sec - 60) return
      const server = byServer.get(r.server) ?? { server: r.server, connects: 0, disconnects: 0 }
      server.connects += r.connects
      server.disconnects += r.disconnects
      byServer.set(r.server, server)
    })
    return { bySec, byServer: [...byServer.values()].sort((a, b) => compareBinary(a.server, b.server)) }
  }
  return (
    sec: number,
    connected: readonly ConnectedGroup[],
    idleTimeoutMin: number | null,
  ): ConnectionsMetric => {
    const held = window.rows(sec - SERIES_SECONDS, sec)
    const sums = held ? sumsOf(held, sec) : null
    const bySec = sums?.bySec ?? new Map(series.all(sec - SERIES_SECONDS, sec).map((r) => [r.sec, r]))
    const perSecond: SecondCount[] = []
    for (let s = sec - SERIES_SECONDS + 1; s <= sec; s++) {
      const r = bySec.get(s)
      perSecond.push({ t: s * 1000, connects: r?.connects ?? 0, disconnects: r?.disconnects ?? 0 })
    }
    const last60 = perSecond.slice(-60)
    const connectedByServer = devicesPerServer(connected)
    const servers = new Map<string, ConnectionsMetric['byServer'][number]>()
    for (const r of sums?.byServer ?? perServer.all(sec - 60, sec)) {
      servers.set(r.server, { ...r, connectedDevices: connectedByServer.get(r.server) ?? 0 })
    }
    for (const [server, n] of connectedByServer) {
      if (!servers.has(server))
        servers.set(server, { server, connects: 0, disconnects: 0, connectedDevices: n })
    }
    return {
      perSecond,
      last60s: {
        connects: last60.reduce((a, r) => a + r.connects, 0),
        disconnects: last60.reduce((a, r) => a + r.disconnects, 0),
      },
      connectedDevices: connected.reduce((a, g) => a + g.devices, 0),
      idleTimeoutMin,
      byServer: [...servers.values()].sort((a, b) => a.server.localeCompare(b.server)),
    }
  }
}
