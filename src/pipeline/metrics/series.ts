// Time series for a range [from, to], in the step of its length (shared/series-step.ts) or one asked for.
import type { Db } from '../db/open'
import type { Series, SeriesPoint } from '../../shared/api'
import { assertWholeSecond } from '../../shared/instant'
import { seriesStepMs, type SeriesStepMs } from '../../shared/series-step'

export { seriesStepMs }

const MINUTE = 60_000

interface Row {
  b: number
  server: string
  connects: number
  disconnects: number
  down: number
  up: number
}

export function seriesQuery(db: Db) {
  // Bucket b of the step holds the source buckets (b - 1) * k < bucket <= b * k, like the buckets themselves.
  const bySecond = db.prepare<[number, number, number, number, string | null, string | null], Row>(
    `SELECT ((s.sec + ? - 1) / ?) AS b, s.server, sum(s.connects) AS connects, sum(s.disconnects) AS disconnects,
            sum(s.down) AS down, sum(s.up) AS up
     FROM (SELECT sec, server, connects, disconnects, 0 AS down, 0 AS up FROM gold_conn_second
           UNION ALL SELECT sec, server, 0, 0, bytes_down, bytes_up FROM gold_usage_second) s
     WHERE s.sec > ? AND s.sec <= ? AND (? IS NULL OR s.server = ?)
     GROUP BY b, s.server`,
  )
  const byMinute = db.prepare<[number, number, number, number, string | null, string | null], Row>(
    `SELECT ((s.minute + ? - 1) / ?) AS b, s.server, sum(s.connects) AS connects, sum(s.disconnects) AS disconnects,
            sum(s.down) AS down, sum(s.up) AS up
     FROM (SELECT minute, server, connects, disconnects, 0 AS down, 0 AS up FROM gold_conn_minute
           UNION ALL SELECT minute, server, 0, 0, bytes_down, bytes_up FROM gold_usage_minute) s
     WHERE s.minute > ? AND s.minute <= ? AND (? IS NULL OR s.server = ?)
     GROUP BY b, s.server`,
  )

  /** `step`: the step of a longer range whose newest points these are (the UI asks only those). */
  return (fromMs: number, toMs: number, server?: string, step?: SeriesStepMs): Series => {
    assertWholeSecond('series from', fromMs)
    assertWholeSecond('series to', toMs)
    const stepMs = step ?? seriesStepMs(fromMs, toMs)
    const from = Math.floor(fromMs / stepMs) * stepMs
    const to = Math.floor(toMs / stepMs) * stepMs
    const source = stepMs === 1000 ? 1000 : MINUTE
    const k = stepMs / source
    const stmt = stepMs === 1000 ? bySecond : byMinute
    const rows = stmt.all(k, k, from / source, to / source, server ?? null, server ?? null)
    const seconds = stepMs / 1000
    const totals = new Map<number, SeriesPoint>()
    const servers = new Map<string, Map<number, number>>()
    for (const r of rows) {
      const t = r.b * stepMs
      const p = totals.get(t) ?? { t, connects: 0, disconnects: 0, bps: 0, downBps: 0, upBps: 0 }
      p.connects += r.connects
      p.disconnects += r.disconnects
      p.downBps += (r.down * 8) / seconds
      p.upBps += (r.up * 8) / seconds
      p.bps = p.downBps + p.upBps
      totals.set(t, p)
      const perServer = servers.get(r.server) ?? new Map<number, number>()
      perServer.set(t, (perServer.get(t) ?? 0) + ((r.down + r.up) * 8) / seconds)
      servers.set(r.server, perServer)
    }
    const points: SeriesPoint[] = []
    const times: number[] = []
    for (let t = from + stepMs; t <= to; t += stepMs) {
      times.push(t)
      points.push(totals.get(t) ?? { t, connects: 0, disconnects: 0, bps: 0, downBps: 0, upBps: 0 })
    }
    const byServer = [...servers]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, values]) => ({ server: name, points: times.map((t) => ({ t, bps: values.get(t) ?? 0 })) }))
    return { from, to, stepMs, points, byServer }
  }
}
