// The connected devices (and what the overview reads from them) come from gold_devices, and from silver only
// for the devices that changed after T. These tests hold them to the definition read from silver alone, on
// a random network whose events arrive out of order, at T before, among and after the newest events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../engine'
import type { HeavyClientsMetric } from '../../shared/metrics'
import { connectedDevicesQuery, connectedGroupsQuery, type ConnectedDevice } from './connected-devices'
import { devicePairsMetric } from './device-pairs'
import { distinctDevicesMetric } from './distinct-devices'
import { heavyClientsMetric } from './heavy-clients'
import { planClass } from './plan-class'
import { engineOnRandomNetwork, withoutLiveState } from './testing/random-network'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)
const MIN = 60_000
const IDLE = 5 * MIN

// The definition, read from silver alone (what connectedDevicesQuery answered before gold kept the state);
// :idle NULL is no idle timeout (the setting "never").
const FROM_SILVER = `
  SELECT s.device, s.server, s.client, s.device_type, s.plan_mbps FROM gold_devices d
  CROSS JOIN silver_events s ON s.id = (
    SELECT x.id FROM silver_events x
    WHERE x.device = d.device AND x.type IN ('connect', 'disconnect') AND x.ts <= :t
    ORDER BY x.ts DESC, x.type = 'disconnect' DESC, x.id DESC LIMIT 1)
  WHERE s.type = 'connect' AND (:idle IS NULL
    OR EXISTS (SELECT 1 FROM silver_events a WHERE a.device = d.device AND a.ts > :t - :idle AND a.ts <= :t))`
const PLAN_FROM_SILVER = `SELECT plan_mbps FROM silver_events WHERE client = ? AND type = 'connect' AND ts <= ?
  ORDER BY ts DESC, id DESC LIMIT 1`
const USAGE_FROM_SECONDS = `WITH r(a, b) AS (SELECT ?, ?)
  SELECT client, sum(usage_parts_sum(parts, minute, r.a, r.b)) AS bytes FROM r, gold_client_usage_parts
  GROUP BY client`
const DISTINCT_FROM_SILVER = `SELECT count(DISTINCT device) AS n FROM silver_events
  WHERE type = 'connect' AND ts > ? AND ts <= ?`

let network: ReturnType<typeof engineOnRandomNetwork>
let engine: Engine
let newest: number

beforeAll(() => {
  const shape = { seed: 6, start: START, minutes: 30, events: 6000, devices: 60, clients: 20, servers: 3 }
  network = engineOnRandomNetwork(shape, 60)
  engine = network.engine
  newest = (engine.db.prepare('SELECT max(ts) AS ts FROM silver_events').get() as { ts: number }).ts
})

afterAll(() => network.remove())

const sorted = (devices: ConnectedDevice[]) =>
  devices.map((d) => JSON.stringify([d.device, d.server, d.client, d.device_type, d.plan_mbps])).sort()

/** Every 37 s through the data and past it, and around the newest event: before, in and after its second. */
function times(): number[] {
  const ts: number[] = []
  for (let t = START; t <= START + 32 * MIN; t += 37_000) ts.push(Math.floor(t / 1000) * 1000)
  const last = Math.floor(newest / 1000) * 1000
  return [...ts, last - 1000, last, last + 1000, Math.ceil(newest / 1000) * 1000]
}

describe('connected devices at T', () => {
  it('are the devices silver says are connected, with the same server, client, type and plan', () => {
    const connected = connectedDevicesQuery(engine.db)
    const reference = engine.db.prepare<{ t: number; idle: number | null }, ConnectedDevice>(FROM_SILVER)
    // The cases where gold alone cannot tell must come up, or the comparison proves little.
    const changedAfter = engine.db.prepare<[number], { n: number }>(
      'SELECT count(*) AS n FROM gold_devices WHERE status_ts > ?',
    )
    const quietThenBusy = engine.db.prepare<[number, number], { n: number }>(
      `SELECT count(*) AS n FROM gold_devices WHERE last_seen > ? AND status = 'connect' AND status_ts <= ?`,
    )
    let statusAfterT = 0
    let windowFromSilver = 0
    for (const t of times()) {
      const expected = sorted(reference.all({ t, idle: IDLE }))
      expect(sorted(connected(t, IDLE)), `at T = ${new Date(t).toISOString()}`).toEqual(expected)
      statusAfterT += changedAfter.get(t)!.n
      windowFromSilver += quietThenBusy.get(t, t - IDLE)!.n
    }
    expect(statusAfterT).toBeGreaterThan(0)
    expect(windowFromSilver).toBeGreaterThan(0)
  })

  it('with no idle timeout, are the devices whose latest status at T is a connect, however old', () => {
    const connected = connectedDevicesQuery(engine.db)
    const reference = engine.db.prepare<{ t: number; idle: number | null }, ConnectedDevice>(FROM_SILVER)
    let quietLong = 0
    for (const t of [...times(), newest + 6 * 3_600_000 - (newest % 1000)]) {
      const expected = sorted(reference.all({ t, idle: null }))
      expect(sorted(connected(t, null)), `at T = ${new Date(t).toISOString()}`).toEqual(expected)
      quietLong += expected.length - connected(t, IDLE).length
    }
    // Devices silent for longer than the idle timeout count: the comparison covers them.
    expect(quietLong).toBeGreaterThan(0)
  })

  it('are what silver says for idle windows inside a minute, and with an event at either edge', () => {
    // Under a minute, a minute's first and last event can lie on both sides of the window with none in it.
    // At T = an event's ts + idle that event is just outside the window, at T = its ts just inside, and at
    // T = its ts - 1 just after it.
    const connected = connectedDevicesQuery(engine.db)
    const reference = engine.db.prepare<{ t: number; idle: number | null }, ConnectedDevice>(FROM_SILVER)
    const events = engine.db.prepare<[], { ts: number }>('SELECT ts FROM silver_events ORDER BY id').all()
    for (const idle of [20_000, 45_000, IDLE + 500]) {
      const edges = events.filter((_, i) => i % 97 === 0).flatMap((e) => [e.ts - 1, e.ts, e.ts + idle])
      for (const t of [...times(), ...edges]) {
        const at = `at T = ${new Date(t).toISOString()}, idle ${idle} ms`
        expect(sorted(connected(t, idle)), at).toEqual(sorted(reference.all({ t, idle })))
      }
    }
  })

  it('at the newest event, from gold alone, are what silver says', () => {
    // No device has an event after T: gold_devices alone answers.
    const t = Math.ceil(newest / 1000) * 1000
    const reference = engine.db.prepare<{ t: number; idle: number | null }, ConnectedDevice>(FROM_SILVER)
    const fromGold = engine.db
      .prepare<{ t: number; idle: number }, ConnectedDevice>(
        `SELECT device, server, client, device_type, plan_mbps FROM gold_devices
         WHERE status = 'connect' AND last_seen > :t - :idle AND last_seen <= :t`,
      )
      .all({ t, idle: IDLE })
    expect(fromGold.length).toBeGreaterThan(0)
    expect(sorted(fromGold)).toEqual(sorted(reference.all({ t, idle: IDLE })))
    expect(sorted(connectedDevicesQuery(engine.db)(t, IDLE))).toEqual(sorted(fromGold))
  })

  it('are counted per server and device type with the sum of their plans', () => {
    const groups = connectedGroupsQuery(engine.db)
    const reference = engine.db.prepare<{ t: number; idle: number | null }, ConnectedDevice>(FROM_SILVER)
    for (const t of times()) {
      for (const idle of [IDLE, null]) {
        const expected = new Map<string, { devices: number; planMbps: number }>()
        for (const d of reference.all({ t, idle })) {
          const key = JSON.stringify([d.server, d.device_type])
          const g = expected.get(key) ?? { devices: 0, planMbps: 0 }
          expected.set(key, { devices: g.devices + 1, planMbps: g.planMbps + (d.plan_mbps ?? 0) })
        }
        const actual = new Map(
          groups(t, idle).map((g) => [
            JSON.stringify([g.server, g.deviceType]),
            { devices: g.devices, planMbps: g.planMbps },
          ]),
        )
        expect(actual, `at T = ${new Date(t).toISOString()}, idle ${idle}`).toEqual(expected)
      }
    }
  })
})

describe('what the overview reads from them', () => {
  it('counts the distinct devices with a connect in the window as silver does', () => {
    const distinct = distinctDevicesMetric(engine.db)
    const reference = engine.db.prepare<[number, number], { n: number }>(DISTINCT_FROM_SILVER)
    for (const t of times()) {
      for (const windowMin of [1, 10]) {
        expect(distinct(t, windowMin).count).toBe(reference.get(t - windowMin * MIN, t)!.n)
      }
    }
  })

  it('gives the heavy and plan-class shares of the clients silver says are connected', () => {
    const heavy = heavyClientsMetric(engine.db)
    const reference = engine.db.prepare<{ t: number; idle: number | null }, ConnectedDevice>(FROM_SILVER)
    const planOf = engine.db.prepare<[string, number], { plan_mbps: number | null }>(PLAN_FROM_SILVER)
    const usageOf = engine.db.prepare<[number, number], { client: string; bytes: number }>(USAGE_FROM_SECONDS)
    let heavySeen = 0
    for (const [t, idle] of times().flatMap((t) => [IDLE, null].map((idle) => [t, idle] as const))) {
      const sec = t / 1000
      const clients = new Set(reference.all({ t, idle }).map((d) => d.client))
      const bps = new Map(usageOf.all(sec - 300, sec).map((r) => [r.client, (r.bytes * 8) / 300]))
      const rates = [...clients].map((c) => bps.get(c) ?? 0).sort((a, b) => a - b)
      // A threshold that splits the connected clients, so that both sides are tested.
      const thresholdMbps = Math.max(1, rates[Math.floor(rates.length / 2)] ?? 0) / 1e6
      const classes = { low: 0, medium: 0, high: 0, unknown: 0 }
      let heavyClients = 0
      for (const c of clients) {
        classes[planClass(planOf.get(c, t)?.plan_mbps ?? null)]++
        if ((bps.get(c) ?? 0) >= thresholdMbps * 1e6) heavyClients++
      }
      const share = (n: number) => (clients.size === 0 ? null : n / clients.size)
      const expected: HeavyClientsMetric = {
        thresholdMbps,
        connectedClients: clients.size,
        heavyClients,
        heavyShare: share(heavyClients),
        planClasses: classes,
        highPlanShare: share(classes.high),
      }
      const at = `at T = ${new Date(t).toISOString()}, idle ${idle}`
      expect(heavy(sec, idle, thresholdMbps), at).toEqual(expected)
      heavySeen += heavyClients
    }
    expect(heavySeen).toBeGreaterThan(0)
  })
})

/** Holds what the live state answers near and after the newest second to what the queries for any T answer. */
function compareLiveWithFull(engine: Engine) {
  const full = <R>(read: () => R): R => withoutLiveState(engine, read)
  {
    const groups = connectedGroupsQuery(engine.db)
    const pairs = devicePairsMetric(engine.db)
    const distinct = distinctDevicesMetric(engine.db)
    const heavy = heavyClientsMetric(engine.db)
    const anchor = (engine.db.prepare('SELECT newest_sec AS n FROM gold_live').get() as { n: number }).n
    let connected = 0
    let heavySeen = 0
    let pairsSeen = 0
    for (const later of [
      -6,
      -5,
      -3,
      -1,
      0,
      1,
      7,
      30,
      59,
      60,
      61,
      299,
      300,
      301,
      4 * 60 + 59,
      5 * 60,
      31 * 60,
    ]) {
      const sec = anchor + later
      const at = `at N + ${later} s`
      for (const idle of [IDLE, MIN, 30 * MIN, null]) {
        const live = groups(sec * 1000, idle)
        expect(live, at).toEqual(full(() => groups(sec * 1000, idle)))
        connected += live.length
      }
      for (const windowMin of [1, 10]) {
        expect(distinct(sec * 1000, windowMin), at).toEqual(full(() => distinct(sec * 1000, windowMin)))
      }
      for (const thresholdMbps of [0.01, 0.5, 2, 1000]) {
        for (const idle of [IDLE, null]) {
          const live = heavy(sec, idle, thresholdMbps)
          const what = `${at}, ${thresholdMbps} Mb/s, idle ${idle}`
          expect(live, what).toEqual(full(() => heavy(sec, idle, thresholdMbps)))
          heavySeen += live.heavyClients
        }
      }
      for (const limit of [1, 5, 20, 1000]) {
        const live = pairs(sec, limit)
        expect(live, `${at}, ${limit} pairs`).toEqual(full(() => pairs(sec, limit)))
        pairsSeen += live.length
      }
    }
    expect(connected).toBeGreaterThan(0)
    expect(heavySeen).toBeGreaterThan(0)
    expect(pairsSeen).toBeGreaterThan(0)
  }
}

describe('near and after the newest second, from the live state', () => {
  it('gives what the queries for any T give: connected groups, distinct devices, heavy clients, pairs', () => {
    const anchor = (engine.db.prepare('SELECT newest_sec AS n FROM gold_live').get() as { n: number }).n
    expect(anchor).toBe(Math.ceil(newest / 1000))
    compareLiveWithFull(engine)
  })

  it('gives the same on a busy network, where most devices sent something in the newest seconds', () => {
    const shape = { seed: 12, start: START, minutes: 2, events: 5000, devices: 50, clients: 15, servers: 3 }
    const busy = engineOnRandomNetwork(shape, 61)
    const busyEngine = busy.engine
    try {
      const recent = busyEngine.db
        .prepare(
          'SELECT count(DISTINCT device) AS n FROM silver_events WHERE ts > (SELECT max(ts) FROM silver_events) - 3000',
        )
        .get() as { n: number }
      expect(recent.n).toBeGreaterThan(25)
      compareLiveWithFull(busyEngine)
    } finally {
      busy.remove()
    }
  })
})
