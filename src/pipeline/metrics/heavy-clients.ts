import type { Db } from '../db/open'
import type { HeavyClientsMetric } from '../../shared/metrics'
import type { ConnectedDevice } from './connected-devices'
import { planClass } from './plan-class'

export const DEFINITION =
  "Heavy-client share: the connected clients whose throughput over (T - 5 min, T] (bytes * 8 / 300 s, all their devices and servers) is at or above the heavy threshold (default 50 Mb/s), divided by the connected clients. Plan-class share: the connected clients whose plan class is high, divided by the connected clients; a client's plan is the plan_mbps of its latest connect at or before T, classed low (<= 20 Mb/s), medium (> 20 and <= 100) or high (> 100)."

export const HEAVY_WINDOW_S = 300

export function clientThroughputQuery(db: Db) {
  const stmt = db.prepare<[number, number], { client: string; bytes: number }>(
    `SELECT client, sum(bytes) AS bytes FROM gold_client_usage_second WHERE sec > ? AND sec <= ? GROUP BY client`,
  )
  /** bit/s per client over (T - 5 min, T]. */
  return (sec: number): Map<string, number> =>
    new Map(stmt.all(sec - HEAVY_WINDOW_S, sec).map((r) => [r.client, (r.bytes * 8) / HEAVY_WINDOW_S]))
}

export function clientPlanQuery(db: Db) {
  const stmt = db.prepare<[string, number], { plan_mbps: number | null }>(
    `SELECT plan_mbps FROM silver_events WHERE client = ? AND type = 'connect' AND ts <= ?
     ORDER BY ts DESC, id DESC LIMIT 1`,
  )
  return (client: string, tMs: number): number | null => stmt.get(client, tMs)?.plan_mbps ?? null
}

export function heavyClientsMetric(db: Db) {
  const throughput = clientThroughputQuery(db)
  const plan = clientPlanQuery(db)
  return (sec: number, connected: readonly ConnectedDevice[], thresholdMbps: number): HeavyClientsMetric => {
    const clients = new Set(connected.map((d) => d.client))
    const bps = throughput(sec)
    const classes = { low: 0, medium: 0, high: 0, unknown: 0 }
    let heavy = 0
    for (const client of clients) {
      if ((bps.get(client) ?? 0) >= thresholdMbps * 1e6) heavy++
      classes[planClass(plan(client, sec * 1000))]++
    }
    const share = (n: number) => (clients.size === 0 ? null : n / clients.size)
    return {
      thresholdMbps,
      connectedClients: clients.size,
      heavyClients: heavy,
      heavyShare: share(heavy),
      planClasses: classes,
      highPlanShare: share(classes.high),
    }
  }
}
