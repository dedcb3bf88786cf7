import { seenSql } from '../db/device-seen'
import type { Db } from '../db/open'
import type { HeavyClientsMetric } from '../../shared/metrics'
import type { ClientsView } from '../gold/shared-clients'
import { clientUsageQuery } from './client-usage'
import { AFTER_T, CONNECTED_AT_T, connectedAtT, type IdleMs } from './connected-devices'
import { liveAnchorQuery, takenPartsSql } from './live'
import { LiveHeavyCache, type ClientsNow, type LiveCounts } from './live-heavy-cache'
import { LOW_MAX_MBPS, MEDIUM_MAX_MBPS, planClass, type PlanClass } from './plan-class'
import { CLIENT_WINDOW_S } from '../gold/live-state'
import { foldedByGold } from '../silver/event-time'

export const DEFINITION =
  "Heavy-client share: the connected clients whose throughput over (T - 5 min, T] (the usage bytes that fall in it * 8 / 300 s, all their devices and servers) is at or above the heavy threshold (default 50 Mb/s), divided by the connected clients. Plan-class share: the connected clients whose plan class is high, divided by the connected clients; a client's plan is the plan_mbps of its latest connect at or before T, classed low (<= 20 Mb/s), medium (> 20 and <= 100) or high (> 100)."

export const HEAVY_WINDOW_S = CLIENT_WINDOW_S

// A client's plan at T: gold_clients keeps the plan of its latest connect, which is the latest at or before
// T unless it came after T; only then is silver read.
const PLAN_AT_T = `CASE WHEN g.plan_ts IS NULL OR g.plan_ts <= :t THEN g.plan_mbps ELSE (
    SELECT s.plan_mbps FROM silver_events s WHERE s.client = g.client AND s.type = 'connect' AND s.ts <= :t
      AND ${foldedByGold('s.id')}
    ORDER BY s.ts DESC, s.id DESC LIMIT 1) END`

/**
 * `liveCache`: after gold's newest second, count from the rows kept between calls (LiveHeavyCache) rather
 * than in SQL; the tests compare the two.
 */
export function heavyClientsMetric(
  db: Db,
  { liveCache = true, clientsNow }: { liveCache?: boolean; clientsNow?: ClientsNow } = {},
) {
  const cache = liveCache ? new LiveHeavyCache(db, clientsNow) : null
  const usage = clientUsageQuery(db)
  // The connected clients counted per plan, and whether they are among the heavy ones.
  const clients = db.prepare<
    { t: number; idle: IdleMs; heavy: string },
    { plan: number | null; heavy: number; clients: number }
  >(
    `SELECT plan, heavy, count(*) AS clients FROM (
       SELECT ${PLAN_AT_T} AS plan, g.client IN (SELECT value FROM json_each(:heavy)) AS heavy
       FROM gold_clients g WHERE g.client IN (SELECT client FROM (${CONNECTED_AT_T})))
     GROUP BY plan, heavy`,
  )
  // Near or after gold's newest second N, the live state has each client's bytes in (N - 300 s, N] and the
  // last event of its connected devices (live_until). Every connected client at T is counted once:
  // - a client that nothing after T touched (no device of it now has an event after T, no connect after T
  //   names it) is as gold_clients says: connected at T when live_until is in the idle window (or, with no
  //   idle timeout, is not null: one of its devices' latest status is a connect), with its plan
  //   of now (its latest connect is at or before T); counted in one pass over gold_clients;
  // - the others ("changed": the clients now of the devices with an event after T, and the clients named by
  //   a connect after T) are left out of that pass, as are the clients those devices were connected to at T;
  //   a client is connected at T when one of those devices was (the full query says, from silver) or one of
  //   its other devices, untouched since T, is; each is counted with its plan at T.
  // The window at T is the window at N less what `taken` says, per client.
  const taken = takenPartsSql(['client'], HEAVY_WINDOW_S)
  const liveCounts = (withTaken: boolean) => {
    const windowAtT = withTaken ? '(c.window_bytes - coalesce(e.bytes, 0))' : 'c.window_bytes'
    return db.prepare<
      { anchor: number; sec: number; from: number | null; bps: number; excluded: string },
      LiveCounts
    >(
      `WITH taken AS MATERIALIZED (${taken})
       SELECT count(*) AS connected,
         total(${windowAtT} > 0 AND ${windowAtT} * 8.0 / ${HEAVY_WINDOW_S} >= :bps) AS heavy,
         total(c.plan_mbps IS NULL) AS unknown,
         total(c.plan_mbps <= ${LOW_MAX_MBPS}) AS low,
         total(c.plan_mbps > ${LOW_MAX_MBPS} AND c.plan_mbps <= ${MEDIUM_MAX_MBPS}) AS medium,
         total(c.plan_mbps > ${MEDIUM_MAX_MBPS}) AS high
       FROM gold_clients c ${withTaken ? 'LEFT JOIN taken e ON e.client = c.client' : ''}
       WHERE coalesce(c.live_until > :from, c.live_until IS NOT NULL)
         AND c.client NOT IN (SELECT value FROM json_each(:excluded))`,
    )
  }
  // The same counts over the clients' rows in the memory gold's thread shares (shared-clients.ts), when it
  // holds the read transaction's: a pass over typed arrays, where the statement reads every row of
  // gold_clients (about 25 ms at 100,000 clients, each time a live page asks).
  const takenStmt = db.prepare<{ anchor: number; sec: number }, { client: string; bytes: number }>(taken)
  const takenOf = (window: { anchor: number; sec: number }) =>
    new Map(takenStmt.all(window).map((r) => [r.client, r.bytes]))
  const liveAtAnchor = liveCounts(false)
  const liveNearAnchor = liveCounts(true)
  // The devices with an event after T: their clients now, and the clients they were connected to at T; and
  // the clients a connect after T names (their plan at T is not the plan of now).
  const recentClients = db.prepare<{ t: number; idle: IdleMs }, { now: string | null; atT: string | null }>(
    `SELECT a.client AS now, c.client AS atT FROM ${AFTER_T} a
     LEFT JOIN (${connectedAtT(AFTER_T)}) c ON c.device = a.device
     UNION ALL
     SELECT client, NULL FROM silver_events INDEXED BY silver_events_type_ts WHERE type = 'connect' AND ts > :t
       AND ${foldedByGold('id', 'ts')}`,
  )
  // Of the clients of those devices, the ones another device (with no event after T) keeps connected at T.
  const keptConnected = db.prepare<{ t: number; idle: IdleMs; clients: string }, { client: string }>(
    `SELECT DISTINCT d.client FROM json_each(:clients) j JOIN gold_devices d ON d.client = j.value
     WHERE d.status = 'connect' AND d.last_seen <= :t AND ${seenSql('d', 'last_seen')} <= :t
       AND (:idle IS NULL OR ${seenSql('d', 'last_seen')} > :t - :idle)`,
  )
  const exactClients = db.prepare<
    { anchor: number; sec: number; t: number; clients: string },
    { plan: number | null; bytes: number }
  >(
    `WITH taken AS MATERIALIZED (${taken})
     SELECT ${PLAN_AT_T} AS plan, g.window_bytes - coalesce(e.bytes, 0) AS bytes
     FROM json_each(:clients) j JOIN gold_clients g ON g.client = j.value
     LEFT JOIN taken e ON e.client = g.client`,
  )
  const liveAnchor = liveAnchorQuery(db)

  // Several statements: one read transaction, so they see the same snapshot when called alone.
  const fromLiveState = db.transaction((sec: number, idleMs: IdleMs, bps: number): HeavyCounts | null => {
    const anchor = liveAnchor(sec)
    if (anchor === null) return null
    const t = sec * 1000
    const window = { anchor, sec }
    const changed = new Set<string>()
    const connectedThen = new Set<string>()
    for (const r of recentClients.all({ t, idle: idleMs })) {
      if (r.now !== null) changed.add(r.now)
      if (r.atT !== null) connectedThen.add(r.atT)
    }
    for (const r of keptConnected.all({ t, idle: idleMs, clients: JSON.stringify([...changed]) }))
      connectedThen.add(r.client)
    const from = idleMs === null ? null : t - idleMs
    const excluded = [...changed, ...connectedThen]
    const stmt = sec === anchor ? liveAtAnchor : liveNearAnchor
    const cached =
      cache && sec > anchor && excluded.length === 0 ? cache.counts(anchor, sec, from, bps) : null
    const shared = cached ? null : (clientsNow?.() ?? null)
    const counted =
      shared && countShared(shared, sec === anchor ? null : takenOf(window), from, bps, new Set(excluded))
    const r =
      cached ??
      (counted && shared.stillValid()
        ? counted
        : stmt.get({ ...window, from, bps, excluded: JSON.stringify(excluded) })!)
    const counts: HeavyCounts = {
      connected: r.connected,
      heavy: r.heavy,
      classes: { low: r.low, medium: r.medium, high: r.high, unknown: r.unknown },
    }
    for (const c of exactClients.all({ ...window, t, clients: JSON.stringify([...connectedThen]) })) {
      counts.connected++
      if (c.bytes > 0 && (c.bytes * 8) / HEAVY_WINDOW_S >= bps) counts.heavy++
      counts.classes[planClass(c.plan)]++
    }
    return counts
  })
  const fromGold = (sec: number, idleMs: IdleMs, bps: number): HeavyCounts => {
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

  return (sec: number, idleMs: IdleMs, thresholdMbps: number): HeavyClientsMetric => {
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

/**
 * The live statement's counts (liveCounts in heavyClientsMetric) over gold_clients' rows in shared memory: the
 * connected clients (live_until after `from`, or any when null) not `excluded`, heavy at `bps` with their
 * window less what `taken` says, and per plan class. The same comparisons as the SQL, in the same order.
 */
function countShared(
  copy: ClientsView,
  taken: ReadonlyMap<string, number> | null,
  from: number | null,
  bps: number,
  excluded: ReadonlySet<string>,
): LiveCounts {
  const counts: LiveCounts = { connected: 0, heavy: 0, unknown: 0, low: 0, medium: 0, high: 0 }
  for (let slot = 0; slot < copy.slotCount; slot++) {
    const liveUntil = copy.numberAt(slot, 'live_until')
    if (Number.isNaN(liveUntil) || (from !== null && !(liveUntil > from))) continue
    const client = copy.clientAt(slot)
    if (excluded.has(client)) continue
    counts.connected++
    const bytes = copy.numberAt(slot, 'window_bytes') - (taken?.get(client) ?? 0)
    if (bytes > 0 && (bytes * 8.0) / HEAVY_WINDOW_S >= bps) counts.heavy++
    const plan = copy.numberAt(slot, 'plan_mbps')
    if (Number.isNaN(plan)) counts.unknown++
    else if (plan <= LOW_MAX_MBPS) counts.low++
    else if (plan <= MEDIUM_MAX_MBPS) counts.medium++
    else counts.high++
  }
  return counts
}

interface HeavyCounts {
  connected: number
  heavy: number
  classes: Record<PlanClass, number>
}
