import type { Db } from '../db/open'
import type { HeavyClientsMetric } from '../../shared/metrics'
import { clientUsageQuery } from './client-usage'
import { CONNECTED_AT_T } from './connected-devices'
import { liveAnchorQuery } from './live'
import { planClass } from './plan-class'
import { CLIENT_WINDOW_S } from '../gold/live-state'

export const DEFINITION =
  "Heavy-client share: the connected clients whose throughput over (T - 5 min, T] (bytes * 8 / 300 s, all their devices and servers) is at or above the heavy threshold (default 50 Mb/s), divided by the connected clients. Plan-class share: the connected clients whose plan class is high, divided by the connected clients; a client's plan is the plan_mbps of its latest connect at or before T, classed low (<= 20 Mb/s), medium (> 20 and <= 100) or high (> 100)."

export const HEAVY_WINDOW_S = CLIENT_WINDOW_S

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
  // At or after gold's newest second N, the live state has each client's bytes in (N - 300 s, N] and when its
  // connected devices were last seen: the window at T is that less the seconds (N - 300 s, T - 300 s].
  const live = db.prepare<
    { anchor: number; edge: number; from: number; bps: number },
    { plan: number | null; heavy: number; clients: number }
  >(
    `SELECT c.plan_mbps AS plan, (c.window_bytes - coalesce(e.bytes, 0)) * 8.0 / ${HEAVY_WINDOW_S} >= :bps AS heavy,
       count(*) AS clients
     FROM gold_clients c LEFT JOIN (
       SELECT client, sum(bytes) AS bytes FROM gold_client_usage_second
       WHERE sec > :anchor - ${HEAVY_WINDOW_S} AND sec <= :edge GROUP BY client) e ON e.client = c.client
     WHERE c.live_until > :from
     GROUP BY plan, heavy`,
  )
  const liveAnchor = liveAnchorQuery(db)
  const groups = (sec: number, idleMs: number, bps: number) => {
    const anchor = liveAnchor(sec)
    if (anchor !== null) {
      const edge = Math.min(sec - HEAVY_WINDOW_S, anchor)
      return live.all({ anchor, edge, from: sec * 1000 - idleMs, bps })
    }
    // At or above the threshold in bit/s, computed as bytes * 8 / 300 like the throughput itself.
    const heavyClients = usage.atLeast(sec, HEAVY_WINDOW_S, bps)
    return clients.all({ t: sec * 1000, idle: idleMs, heavy: JSON.stringify(heavyClients) })
  }
  return (sec: number, idleMs: number, thresholdMbps: number): HeavyClientsMetric => {
    const classes = { low: 0, medium: 0, high: 0, unknown: 0 }
    let connected = 0
    let heavy = 0
    for (const r of groups(sec, idleMs, thresholdMbps * 1e6)) {
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
