// Cases where the live state near the newest second must still give what the queries for any T give,
// found in review: a client's plan changed after T by a device that then moved on, and a silver that no
// longer holds the events after T (its retention is shorter than gold's memory of devices).
import { describe, expect, it } from 'vitest'
import { useTempEngine } from '../testing/temp-engine'
import { connectedGroupsQuery } from './connected-devices'
import { heavyClientsMetric } from './heavy-clients'
import { ingestFrame, withoutLiveState } from './testing/random-network'

const T = Date.UTC(2024, 5, 1, 12, 10, 0)
const IDLE = 5 * 60_000

const temp = useTempEngine()
let ids = 0

const ingest = (events: Record<string, unknown>[]) =>
  ingestFrame(
    temp.engine,
    events.map((e) => ({ id: `e${ids++}`, server: 's', ...e })),
  )

describe('the live state a second before the newest', () => {
  it('classes a client by its plan at T when a connect after T changed it, from a device since moved on', () => {
    ingest([
      { type: 'connect', ts: T - 10_000, device: 'E', client: 'A', plan_mbps: 10 },
      { type: 'usage', ts: T - 1000, device: 'E', client: 'A', bytes_down: 1, bytes_up: 0 },
      { type: 'connect', ts: T + 300, device: 'D', client: 'A', plan_mbps: 200 },
      { type: 'connect', ts: T + 600, device: 'D', client: 'B', plan_mbps: 5 },
    ])
    const heavy = heavyClientsMetric(temp.engine.db)
    for (const idle of [IDLE, null]) {
      const live = heavy(T / 1000, idle, 50)
      expect(live.planClasses, `idle ${idle}`).toEqual({ low: 1, medium: 0, high: 0, unknown: 0 })
      expect(live, `idle ${idle}`).toEqual(withoutLiveState(temp.engine, () => heavy(T / 1000, idle, 50)))
    }
  })

  it('counts a device connected at T whose later events silver no longer holds', () => {
    ingest([
      { type: 'connect', ts: T - 500, device: 'D', client: 'A' },
      { type: 'usage', ts: T + 500, device: 'D', client: 'A', bytes_down: 1, bytes_up: 0 },
    ])
    // Silver counts its 30 days back from the newest event: a month later, another device's event ends D's.
    ingest([{ type: 'connect', ts: T + 31 * 86_400_000, device: 'F', client: 'B', server: 's2' }])
    expect(temp.engine.applyRetention(T + 31 * 86_400_000).silver_events).toBe(2)
    const groups = connectedGroupsQuery(temp.engine.db)
    for (const idle of [IDLE, null]) {
      const live = groups(T, idle)
      expect(live, `idle ${idle}`).toEqual([{ server: 's', deviceType: null, devices: 1, planMbps: 0 }])
      expect(live, `idle ${idle}`).toEqual(withoutLiveState(temp.engine, () => groups(T, idle)))
    }
  })

  it('with no idle timeout, counts a device whose only event is a connect long before T, as the full query', () => {
    ingest([
      { type: 'connect', ts: T - 6 * 3_600_000, device: 'D', client: 'A', plan_mbps: 30 },
      { type: 'connect', ts: T - 500, device: 'E', client: 'B', plan_mbps: 10 },
      { type: 'usage', ts: T + 500, device: 'E', client: 'B', bytes_down: 1, bytes_up: 0 },
    ])
    const groups = connectedGroupsQuery(temp.engine.db)
    const heavy = heavyClientsMetric(temp.engine.db)
    const live = groups(T, null)
    expect(live).toEqual([{ server: 's', deviceType: null, devices: 2, planMbps: 40 }])
    expect(live).toEqual(withoutLiveState(temp.engine, () => groups(T, null)))
    expect(groups(T, IDLE)).toEqual([{ server: 's', deviceType: null, devices: 1, planMbps: 10 }])
    expect(heavy(T / 1000, null, 50).connectedClients).toBe(2)
    expect(heavy(T / 1000, null, 50)).toEqual(withoutLiveState(temp.engine, () => heavy(T / 1000, null, 50)))
  })
})
