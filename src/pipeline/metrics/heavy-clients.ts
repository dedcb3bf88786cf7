import type { Db } from '../db/open'
import type { HeavyClientsMetric } from '../../shared/metrics'
import { clientUsageQuery } from './client-usage'
import { CONNECTED_AT_T } from './connected-devices'
import { liveAnchorQuery } from './live'
import { LOW_MAX_MBPS, MEDIUM_MAX_MBPS, planClass, type PlanClass } from './plan-class'
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
  // connected devices were last seen: the window at T is that less the edge, the seconds (N - 300 s, T - 300 s].
  // Counted in one pass over gold_clients, without grouping (sorting 100,000 rows costs more than the pass).
  const liveCounts = (edge: string) =>
    db.prepare<{ anchor: number; edge: number; from: number; bps: number }, LiveCounts>(
      `WITH edge AS MATERIALIZED (
         SELECT client, sum(bytes) AS bytes FROM gold_client_usage_second
         WHERE sec > :anchor - ${HEAVY_WINDOW_S} AND sec <= :edge GROUP BY client)
       SELECT count(*) AS connected,
         total((c.window_bytes - ${edge}) * 8.0 / ${HEAVY_WINDOW_S} >= :bps) AS heavy,
         total(c.plan_mbps IS NULL) AS unknown,
         total(c.plan_mbps <= ${LOW_MAX_MBPS}) AS low,
         total(c.plan_mbps > ${LOW_MAX_MBPS} AND c.plan_mbps <= ${MEDIUM_MAX_MBPS}) AS medium,
         total(c.plan_mbps > ${MEDIUM_MAX_MBPS}) AS high
       FROM gold_clients c ${edge === '0' ? '' : 'LEFT JOIN edge e ON e.client = c.client'}
       WHERE c.live_until > :from`,
    )
  const liveAtAnchor = liveCounts('0')
  const liveAfterAnchor = liveCounts('coalesce(e.bytes, 0)')
  const liveAnchor = liveAnchorQuery(db)

  const fromLiveState = (sec: number, idleMs: number, bps: number): HeavyCounts | null => {
    const anchor = liveAnchor(sec)
    if (anchor === null) return null
    const edge = Math.min(sec - HEAVY_WINDOW_S, anchor)
    const stmt = edge <= anchor - HEAVY_WINDOW_S ? liveAtAnchor : liveAfterAnchor
    const r = stmt.get({ anchor, edge, from: sec * 1000 - idleMs, bps })!
    return {
      connected: r.connected,
      heavy: r.heavy,
      classes: { low: r.low, medium: r.medium, high: r.high, unknown: r.unknown },
    }
  }
  const fromGold = (sec: number, idleMs: number, bps: number): HeavyCounts => {
    // At or above the threshold in bit/s, computed as bytes * 8 / 300 like the throughput itself.
    const heavyClients = usage.atLeast(sec, HEAVY_WINDOW_S, bps)
    const counts: HeavyCounts = {
      connected: 0,
      heavy: 0,
      classes: { low: 0, medium: 0, high: 0, unknown: 0 },
    }
    for (const r of clients.all({ t: sec * 1000, idle: idleMs, heavy: JSON.stringify(heavyClients) })) {
      counts.classes[planClass(r.plan)] += r.clients
      counts.connected += r.clients
      if (r.heavy) counts.heavy += r.clients
    }
    return counts
  }

  return (sec: number, idleMs: number, thresholdMbps: number): HeavyClientsMetric => {
    const bps = thresholdMbps * 1e6
    const { connected, heavy, classes } = fromLiveState(sec, idleMs, bps) ?? fromGold(sec, idleMs, bps)
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

interface HeavyCounts {
  connected: number
  heavy: number
  classes: Record<PlanClass, number>
}

interface LiveCounts {
  connected: number
  heavy: number
  low: number
  medium: number
  high: number
  unknown: number
}
