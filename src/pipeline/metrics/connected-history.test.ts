// The connected-devices chart's points are the overview's own figure at each time, asked many at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pipelineSettings } from '../../shared/settings'
import { connectedHistoryQuery } from './connected-history'
import { overviewQuery } from './overview'
import { engineOnRandomNetwork } from './testing/random-network'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

let network: ReturnType<typeof engineOnRandomNetwork>

beforeAll(() => {
  network = engineOnRandomNetwork(
    { seed: 11, start: START, minutes: 40, events: 4000, devices: 60, clients: 20, servers: 4 },
    2,
  )
})

afterAll(() => network.remove())

describe('connected devices at many times', () => {
  it('equals the overview at each time, in total and per server, whatever the idle timeout', () => {
    const { db } = network.engine
    // Before the first event, through the network's life (past times read silver), the newest second and after.
    const times = Array.from({ length: 24 }, (_, i) => START - 60_000 + i * 2 * 60_000)
    for (const idleTimeoutMin of [30, 2, null]) {
      const settings = pipelineSettings.parse({ idleTimeoutMin })
      const overview = overviewQuery(db)
      const samples = connectedHistoryQuery(db)(times, settings)
      expect(samples.map((s) => s.t)).toEqual(times)
      for (const sample of samples) {
        const o = overview(sample.t, settings)
        expect(sample.total).toBe(o.connections.connectedDevices)
        const byServer = Object.fromEntries(
          o.servers.filter((s) => s.connectedDevices > 0).map((s) => [s.server, s.connectedDevices]),
        )
        expect(sample.byServer).toEqual(byServer)
      }
      expect(samples.some((s) => s.total > 0)).toBe(true)
    }
  })

  it('counts none before the first device was seen and equals the overview from that second on', () => {
    const { db } = network.engine
    const settings = pipelineSettings.parse({})
    const first = db.prepare<[], { ts: number }>('SELECT min(first_seen) AS ts FROM gold_devices').get()!.ts
    const second = Math.ceil(first / 1000) * 1000
    const times = [second - 2000, second - 1000, second, second + 1000, second + 60_000]
    const overview = overviewQuery(db)
    const samples = connectedHistoryQuery(db)(times, settings)
    for (const sample of samples)
      expect(sample.total).toBe(overview(sample.t, settings).connections.connectedDevices)
    expect(samples.slice(0, 2).map((s) => [s.total, s.byServer])).toEqual([
      [0, {}],
      [0, {}],
    ])
    expect(samples.at(-1)!.total).toBeGreaterThan(0)
  })
})
