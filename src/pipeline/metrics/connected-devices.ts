import type { Db } from '../db/open'
import { SERIES_STAGE } from '../gold/connected-series'
import { PLAN_KBPS_SQL } from '../gold/live-state'
import { compareBinary } from '../db/binary-order'
import { seenSql } from '../db/device-seen'
import { FOLDED_AFTER_SQL, everyType, foldedByGold } from '../silver/event-time'
import { SecondsWindow, eachRow, type SecondRows } from './seconds-window'
import { snapshotKeyQuery } from './snapshot-key'
import { DEVICES_AFTER_T, RECENT_EVENTS, liveAnchorQuery } from './live'

export const DEFINITION =
  'A device is connected at T when its latest connect or disconnect at or before T is a connect (a disconnect wins a tie at equal ts) and it has some event in (T - idle timeout, T]. A client is connected when one of its devices is.'

/**
 * The idle timeout in ms, or null for none (setting idleTimeoutMin "never"): then a device is connected
 * while its latest connect or disconnect at or before T is a connect, however long ago its last event was.
 */
export type IdleMs = number | null

export const idleMsOf = (idleTimeoutMin: number | null): IdleMs =>
  idleTimeoutMin === null ? null : idleTimeoutMin * 60_000

export interface ConnectedDevice {
  device: string
  server: string
  client: string
  device_type: string | null
  plan_mbps: number | null
}

/** Connected devices of one server and device type, and the sum of their plans. */
export interface ConnectedGroup {
  server: string
  deviceType: string | null
  devices: number
  planMbps: number
}

// Minute buckets of (T - idle, T]: from floor((T - idle) / 60000) + 1 to ceil(T / 60000) (buckets.ts).
const LOW_MINUTE = 'CAST((:t - :idle) / 60000 AS INTEGER) + 1'
const HIGH_MINUTE = '(CAST(:t / 60000 AS INTEGER) + (CAST(:t / 60000 AS INTEGER) * 60000 < :t))'

/**
 * Whether the device of gold_devices row `d` (an alias) sent an event in (T - idle, T], from its first and
 * last event per minute: its latest minute's in its row (the minute of last_seen, from minute_first_ts to
 * last_seen), the others' in gold_device_minutes, newest minute first: a device that reports every few
 * seconds is found in the first or second minute. In a window of several minutes a minute in it answers
 * exactly (its first event is in the window, or its last is); only a window inside one minute, whose events
 * fall on both sides of it, needs silver's events of that window: their devices, read once per statement
 * (an uncorrelated IN), not once per device.
 */
export const activeInIdleWindow = (d: string) => {
  const inWindow = (first: string, last: string) => `${first} <= :t AND ${last} > :t - :idle
      AND (${first} > :t - :idle OR ${last} <= :t OR ${d}.device IN (
        SELECT x.device FROM silver_events x INDEXED BY silver_events_type_ts
        WHERE ${everyType('x.type')} AND x.ts > :t - :idle AND x.ts <= :t AND ${foldedByGold('x.id')}))`
  // The row's own last_seen is at most the device's (gold's thread writes it within a minute,
  // db/device-seen.ts): a row more than a minute after T is of a latest minute after T's, which no event in
  // the window is in, and the device's own value need not be asked.
  const minuteFirst = seenSql(d, 'minute_first_ts')
  return `(${d}.last_seen <= :t + 60000 AND ${minuteFirst} IS NOT NULL
      AND ${inWindow(minuteFirst, seenSql(d, 'last_seen'))}
    OR EXISTS (
      WITH RECURSIVE m(minute) AS (
        SELECT ${HIGH_MINUTE} UNION ALL SELECT minute - 1 FROM m WHERE minute > ${LOW_MINUTE})
      SELECT 1 FROM m CROSS JOIN gold_device_minutes a ON a.minute = m.minute AND a.device = ${d}.device
      WHERE ${inWindow('a.first_ts', 'a.last_ts')}))`
}

/**
 * The connected devices at :t with an idle timeout of :idle ms (NULL: none, every event at or before T is
 * in the window), each with the server, client, type and plan
 * of its latest connect. gold_devices keeps every device's latest status change and connect in event time,
 * so for a device with no connect or disconnect after T they are its state at T; whether it has an event in
 * the idle window is its last_seen when it has none after T either, and its status change when that falls in
 * the window. Silver is read only for what gold cannot tell: a device whose status changed after T (its
 * status at T). Whether one whose status is older than the window and that sent events after T had an
 * event in the window is read from its activity per minute (activeInIdleWindow). At the newest event,
 * both are the few devices that sent something in T's second after T. A device first seen after T has no
 * status at T: it is left out before silver is asked (a chart's times before the traffic began would
 * otherwise read silver once per device, 0.7 s each at 20,000 devices).
 * `devices` is the table (or subquery) of gold_devices rows to consider: all of them by default.
 */
export const connectedAtT = (devices = 'gold_devices') => `
  SELECT d.device, d.server, d.client, d.device_type, d.plan_mbps FROM ${devices} d
  WHERE d.status = 'connect' AND d.status_ts <= :t
    AND CASE
      WHEN :idle IS NULL THEN 1
      -- A row's own last_seen is at most the device's: after T, so is the device's.
      WHEN d.last_seen <= :t AND ${seenSql('d', 'last_seen')} <= :t THEN ${seenSql('d', 'last_seen')} > :t - :idle
      WHEN d.status_ts > :t - :idle THEN 1
      ELSE ${activeInIdleWindow('d')}
    END
  UNION ALL
  -- CROSS JOIN keeps the devices as the outer loop: without statistics SQLite once took silver's connects
  -- first (a scan of the devices per connect) when gold_devices' rows grew by two columns.
  SELECT s.device, s.server, s.client, s.device_type, s.plan_mbps FROM ${devices} d
  CROSS JOIN silver_events s ON s.id = (
    SELECT x.id FROM silver_events x
    WHERE x.device = d.device AND x.type IN ('connect', 'disconnect') AND x.ts <= :t
      AND ${foldedByGold('x.id')}
    ORDER BY x.ts DESC, x.type = 'disconnect' DESC, x.id DESC LIMIT 1)
  WHERE d.status_ts > :t AND d.first_seen <= :t AND s.type = 'connect'
    AND (:idle IS NULL OR ${activeInIdleWindow('d')})`

export const CONNECTED_AT_T = connectedAtT()

/** gold_devices rows of the devices with an event after T: the live state cannot tell their state at T. */
export const AFTER_T = `(SELECT g.* FROM (${DEVICES_AFTER_T}) a JOIN gold_devices g ON g.device = a.device)`

/** Connected devices at T, with the server, client, type and plan of their latest connect. */
export function connectedDevicesQuery(db: Db) {
  const stmt = db.prepare<{ t: number; idle: IdleMs }, ConnectedDevice>(CONNECTED_AT_T)
  return (tMs: number, idleMs: IdleMs): ConnectedDevice[] => stmt.all({ t: tMs, idle: idleMs })
}

/**
 * Connected devices at T counted per server and device type, with the sum of their plans: what the overview
 * needs of them, without reading every device into JavaScript. Near or after gold's newest second, with
 * T - idle a whole second (or no idle timeout), they come from the live state.
 */
export function connectedGroupsQuery(db: Db, recentEvents = RECENT_EVENTS) {
  const stmt = db.prepare<
    { t: number; idle: IdleMs },
    { server: string; device_type: string | null; devices: number; plan: number }
  >(
    `SELECT server, device_type, count(*) AS devices, total(plan_mbps) AS plan FROM (${CONNECTED_AT_T})
     GROUP BY server, device_type ORDER BY server, device_type`,
  )
  // Near or after gold's newest second: the live state's devices whose last event is at or before T and in
  // the idle window (:from NULL: no idle timeout), and the devices with an event after T as the query above
  // finds them. Plans in kb/s.
  const live = db.prepare<
    { from: number | null; t: number; idle: IdleMs },
    { server: string; device_type: string | null; devices: number; kbps: number }
  >(
    `SELECT server, device_type, sum(devices) AS devices, sum(kbps) AS kbps FROM (
       SELECT server, nullif(device_type, '') AS device_type, devices, plan_kbps AS kbps
       FROM gold_live_devices WHERE (:from IS NULL OR last_sec > :from / 1000) AND last_sec <= :t / 1000
       UNION ALL
       SELECT server, device_type, 1, ${PLAN_KBPS_SQL} FROM (${connectedAtT(AFTER_T)}))
     GROUP BY server, device_type ORDER BY server, device_type`,
  )
  // At a past T, from the connected devices per second when gold keeps them for this idle timeout
  // (gold/connected-series.ts): the count at the minute before T and the changes after it, one read of a few
  // hundred rows where judging every device took 150-300 ms at 100,000 devices.
  const seriesIdle = db
    .prepare<[], number>(`SELECT last_id FROM pipeline_gold_watermarks WHERE stage = '${SERIES_STAGE}'`)
    .pluck()
  const series = db.prepare<
    { minute: number; sec: number },
    { server: string; device_type: string | null; devices: number; kbps: number }
  >(
    `SELECT server, nullif(device_type, '') AS device_type, sum(devices) AS devices, sum(plan_kbps) AS kbps
     FROM (
       SELECT server, device_type, devices, plan_kbps FROM gold_connected_minutes WHERE minute = :minute
       UNION ALL
       SELECT server, device_type, devices, plan_kbps FROM gold_connected_changes
       WHERE sec > :minute * 60 AND sec <= :sec)
     GROUP BY server, device_type HAVING sum(devices) > 0 ORDER BY server, device_type`,
  )
  const liveAnchor = liveAnchorQuery(db, recentEvents)
  // The live state's rows, kept between the calls of a page left open (seconds-window.ts). With no event in
  // silver after T, no device is read from silver, and these rows alone are the answer.
  const liveRows = db.prepare<[number, number], [number, string, string, number, number]>(
    'SELECT last_sec, server, device_type, devices, plan_kbps FROM gold_live_devices WHERE last_sec > ? AND last_sec <= ?',
  )
  const window = new SecondsWindow(snapshotKeyQuery(db), (from, to) =>
    liveRows
      .raw()
      .all(from, to)
      .map(([sec, server, type, devices, kbps]) => [sec, { server, type, devices, kbps }] as const),
  )
  const foldedAfter = db.prepare<[number], { folded: number }>(FOLDED_AFTER_SQL)
  const fromWindow = (from: number, tMs: number): ConnectedGroup[] | null => {
    // An event gold folded after T: its device's state at T is read from silver.
    if (foldedAfter.get(tMs)!.folded) return null
    const held = window.rows(from / 1000, tMs / 1000)
    return held && groupsOf(held, from / 1000, tMs / 1000)
  }
  return (tMs: number, idleMs: IdleMs): ConnectedGroup[] => {
    const from = idleMs === null ? null : tMs - idleMs
    if ((from === null || from % 1000 === 0) && tMs % 1000 === 0 && liveAnchor(tMs / 1000) !== null)
      return (
        (from === null ? null : fromWindow(from, tMs)) ??
        live.all({ from, t: tMs, idle: idleMs }).map((g) => ({
          server: g.server,
          deviceType: g.device_type,
          devices: g.devices,
          planMbps: g.kbps / 1000,
        }))
      )
    if (idleMs !== null && tMs % 1000 === 0 && seriesIdle.get() === idleMs) {
      const sec = tMs / 1000
      return series.all({ minute: Math.floor(sec / 60), sec }).map((g) => ({
        server: g.server,
        deviceType: g.device_type,
        devices: g.devices,
        planMbps: g.kbps / 1000,
      }))
    }
    return stmt.all({ t: tMs, idle: idleMs }).map((g) => ({
      server: g.server,
      deviceType: g.device_type,
      devices: g.devices,
      planMbps: g.plan,
    }))
  }
}

/**
 * The groups of the live state's rows of the seconds (from, to], as the live statement of
 * connectedGroupsQuery sums and orders them: by server, then device type (none first), in binary order.
 */
function groupsOf(
  held: SecondRows<{ server: string; type: string; devices: number; kbps: number }>,
  from: number,
  to: number,
): ConnectedGroup[] {
  const groups = new Map<string, { server: string; type: string; devices: number; kbps: number }>()
  eachRow(held, from, to, (r) => {
    const key = `${r.server}\u0000${r.type}`
    const group = groups.get(key)
    if (group) {
      group.devices += r.devices
      group.kbps += r.kbps
    } else groups.set(key, { ...r })
  })
  return [...groups.values()]
    .sort((a, b) => compareBinary(a.server, b.server) || compareBinary(a.type, b.type))
    .map((g) => ({
      server: g.server,
      deviceType: g.type === '' ? null : g.type,
      devices: g.devices,
      planMbps: g.kbps / 1000,
    }))
}

/** Connected devices per server, from the devices or from their groups. */
export function devicesPerServer(
  connected: readonly (ConnectedDevice | ConnectedGroup)[],
): Map<string, number> {
  const counts = new Map<string, number>()
  for (const c of connected)
    counts.set(c.server, (counts.get(c.server) ?? 0) + ('devices' in c ? c.devices : 1))
  return counts
}
