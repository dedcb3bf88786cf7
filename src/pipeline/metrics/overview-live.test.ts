// The overview in a busy live feed: when too many events came after T for the live state to take back, its
// states (connected, distinct, heavy, pairs) are those of the newest second, and its rates stay at T.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../engine'
import { pipelineSettings } from '../../shared/settings'
import { connectedGroupsQuery, idleMsOf } from './connected-devices'
import { devicePairsMetric } from './device-pairs'
import { distinctDevicesMetric } from './distinct-devices'
import { heavyClientsMetric } from './heavy-clients'
import { RECENT_EVENTS, RECENT_S } from './live'
import { overviewQuery, TOP_PAIRS } from './overview'
import { engineOnRandomNetwork, ingestShuffled, randomEvents } from './testing/random-network'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)
const settings = pipelineSettings.parse({})
const idleMs = idleMsOf(settings.idleTimeoutMin)

let network: ReturnType<typeof engineOnRandomNetwork>
let engine: Engine
let newestSec: number

beforeAll(() => {
  network = engineOnRandomNetwork(
    { seed: 3, start: START, minutes: 5, events: 3000, devices: 40, clients: 12, servers: 3 },
    5,
  )
  engine = network.engine
  // The newest second fills with more events than the live state takes back from silver.
  const last = START + 5 * 60_000 + 1000
  const burst = randomEvents({
    seed: 4,
    start: last,
    minutes: 0,
    events: RECENT_EVENTS + 200,
    devices: 1500,
    clients: 300,
    servers: 3,
  }).map((e, i) => ({ ...e, id: `burst-${i}`, ts: last - 1 - (i % 900) }))
  ingestShuffled(engine, burst, 6)
  newestSec = (engine.db.prepare('SELECT newest_sec AS n FROM gold_live').get() as { n: number }).n
})

afterAll(() => network.remove())

describe('the overview near the newest second', () => {
  it('reads its states at the newest second when too many events came after T, its rates at T', () => {
    const overview = overviewQuery(engine.db)
    const t = (newestSec - 1) * 1000
    const after = engine.db.prepare('SELECT count(*) AS n FROM silver_events WHERE ts > ?').get(t) as {
      n: number
    }
    expect(after.n).toBeGreaterThan(RECENT_EVENTS)
    const o = overview(t, settings)
    const n = newestSec * 1000
    expect(o.at).toBe(t)
    expect(o.statesAt).toBe(n)
    const groups = connectedGroupsQuery(engine.db)(n, idleMs)
    expect(o.connections.connectedDevices).toBe(groups.reduce((a, g) => a + g.devices, 0))
    expect(o.connections.connectedDevices).not.toBe(
      connectedGroupsQuery(engine.db)(t, idleMs).reduce((a, g) => a + g.devices, 0),
    )
    expect(o.distinctDevices).toEqual(distinctDevicesMetric(engine.db)(n, settings.distinctWindowMin))
    expect(o.heavyClients).toEqual(
      heavyClientsMetric(engine.db)(newestSec, idleMs, settings.heavyThresholdMbps),
    )
    expect(o.topPairs).toEqual(devicePairsMetric(engine.db)(newestSec, TOP_PAIRS))
    // The rates end at T: the per-second series' last entry is T's second.
    expect(o.throughput.perSecond.at(-1)!.t).toBe(t)
  })

  it('counts the connected devices at T from the live state, taking back the burst, as the query for any T', () => {
    // What the alert rules ask as a flush crosses a minute: more events after T than the overview takes back.
    const takingBack = connectedGroupsQuery(engine.db, 100_000)
    const anyT = connectedGroupsQuery(engine.db, 0)
    for (const back of [1, 2, RECENT_S]) {
      const t = (newestSec - back) * 1000
      for (const idle of [idleMs, 60_000, 5_000, null]) {
        const groups = takingBack(t, idle)
        expect(groups, `${back} s back, idle ${idle} ms`).toEqual(anyT(t, idle))
        expect(groups.reduce((a, g) => a + g.devices, 0)).toBeGreaterThan(0)
      }
    }
  })

  it('reads them at T when T is further back, or when the live state can take back what came after', () => {
    const overview = overviewQuery(engine.db)
    const far = (newestSec - RECENT_S - 1) * 1000
    expect(overview(far, settings).statesAt).toBe(far)
    expect(overview(newestSec * 1000, settings).statesAt).toBe(newestSec * 1000)
    expect(overview((newestSec + 3) * 1000, settings).statesAt).toBe((newestSec + 3) * 1000)
  })

  it("says where gold's newest second ends, whatever T", () => {
    const overview = overviewQuery(engine.db)
    const newestTs = engine.db.prepare('SELECT max(ts) FROM silver_events').pluck().get() as number
    expect(newestSec).toBe(Math.ceil(newestTs / 1000))
    for (const t of [(newestSec - 60) * 1000, newestSec * 1000, (newestSec + 30) * 1000])
      expect(overview(t, settings).newestAt).toBe(newestSec * 1000)
  })
})
