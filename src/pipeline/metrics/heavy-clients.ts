import type { Db } from '../db/open'
import type { HeavyClientsMetric } from '../../shared/metrics'
import { clientUsageQuery } from './client-usage'
import { CONNECTED_AT_T } from './connected-devices'
import { planClass } from './plan-class'

export const DEFINITION =
  "Heavy-client share: the connected clients whose throughput over (T - 5 min, T] (bytes * 8 / 300 s, all their devices and servers) is at or above the heavy threshold (default 50 Mb/s), divided by the connected clients. Plan-class share: the connected clients whose plan class is high, divided by the connected clients; a client's plan is the plan_mbps of its latest connect at or before T, classed low (<= 20 Mb/s), medium (> 20 and <= 100) or high (> 100)."

export const HEAVY_WINDOW_S = 300

/** bit/s per client over (T - 5 min, T]; clients without bytes in the window are left out. */
export function clientThroughputQuery(db: Db) {
  const usage = clientUsageQuery(db)
  return (sec: number): Map<string, number> => {
    const bps = new Map<string, number>()
    for (const [client, bytes] of usage.perClient(sec, HEAVY_WINDOW_S))
      bps.set(client, (bytes * 8) / HEAVY_WINDOW_S)
    return bps
  }
}

// A client's plan at T: gold_clients keeps the plan of its latest connect, which is the latest at or before
// T unless it came after T; only then is silver read.
const PLAN_AT_T = `CASE WHEN g.plan_ts IS NULL OR g.plan_ts <= :t THEN g.plan_mbps ELSE (
    SELECT s.plan_mbps FROM silver_events s WHERE s.client = g.client AND s.type = 'connect' AND s.ts <= :t
    ORDER BY s.ts DESC, s.id DESC LIMIT 1) END`

export function heavyClientsMetric(db: Db) {
  const usage = clientUsageQuery(db)
  // The connected clients counted per plan, and whether they are among the heavy ones.
  const clients = db.prepare<
    { t: number; idle: number; heavy: string },
    { plan: number | null; heavy: number; clients: number }
  >(
    `SELECT plan, heavy, count(*) AS clients FROM (
       SELECT ${PLAN_AT_T} AS plan, g.client IN (SELECT value FROM json_each(:heavy)) AS heavy
       FROM gold_clients g WHERE g.client IN (SELECT client FROM (${CONNECTED_AT_T})))
     GROUP BY plan, heavy`,
  )
  return (sec: number, idleMs: number, thresholdMbps: number): HeavyClientsMetric => {
    // At or above the threshold in bit/s, computed as bytes * 8 / 300 like the throughput itself.
    const heavyClients = usage.atLeast(sec, HEAVY_WINDOW_S, thresholdMbps * 1e6)
    const classes = { low: 0, medium: 0, high: 0, unknown: 0 }
    let connected = 0
    let heavy = 0
    for (const r of clients.all({ t: sec * 1000, idle: idleMs, heavy: JSON.stringify(heavyClients) })) {
      classes[planClass(r.plan)] += r.clients
      connected += r.clients
      if (r.heavy) heavy += r.clients
    }
    const share = (n: number) => (connected === 0 ? null : n / connected)
    return {
      thresholdMbps,
      connectedClients: connected,
      heavyClients: heavy,
      heavyShare: share(heavy),
      planClasses: classes,
      highPlanShare: share(classes.high),
    }
  }
}
