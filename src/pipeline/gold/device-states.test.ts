import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../db/open'
import { tempDir } from '../testing/temp-db'
import { DeviceStates } from './device-states'

type Event = Parameters<DeviceStates['apply']>[0]

const T = Date.UTC(2026, 10, 28, 12, 0, 0)

const event = (device: string, type: Event['type'], ts: number, server = 's1'): Event => ({
  device,
  type,
  ts,
  server,
  client: `client-${device}`,
  device_type: type === 'connect' ? 'mobile' : null,
  plan_mbps: type === 'connect' ? 100 : null,
  ip: null,
})

/** Batches as the gold stage runs them: load the batch's devices, apply its events, flush. */
function run(db: Db, states: DeviceStates, batches: Event[][]): unknown[] {
  db.transaction(() => {
    for (const batch of batches) {
      states.load(batch.map((e) => e.device))
      for (const e of batch) states.apply(e)
      states.flush()
    }
  })()
  return db.prepare('SELECT * FROM gold_devices ORDER BY device').all()
}

describe('DeviceStates', () => {
  let dir: ReturnType<typeof tempDir>
  let small: Db
  let large: Db
  beforeEach(() => {
    dir = tempDir()
    small = openDb(dir.path('small.db'))
    large = openDb(dir.path('large.db'))
  })
  afterEach(() => {
    small.close()
    large.close()
    dir.remove()
  })

  // Six devices over five batches, late and out-of-order events included.
  const batches: Event[][] = [
    [event('d1', 'connect', T), event('d2', 'connect', T + 1), event('d3', 'connect', T + 2)],
    [event('d4', 'connect', T + 3), event('d1', 'usage', T + 10), event('d5', 'connect', T + 4)],
    [event('d2', 'disconnect', T + 20), event('d6', 'connect', T + 5, 's2'), event('d1', 'usage', T + 5)],
    [event('d3', 'connect', T + 30, 's2'), event('d2', 'connect', T + 15), event('d4', 'usage', T + 40)],
    [event('d1', 'disconnect', T + 50), event('d5', 'usage', T + 1), event('d6', 'usage', T + 60, 's2')],
  ]

  it.each([
    ['a cache of two states over every state in memory', { maxCached: 2 }],
    ['a cache of two states over the table (too many devices to keep)', { maxCached: 2, maxResident: 0 }],
    ['states in memory until the network grows past three devices', { maxCached: 2, maxResident: 3 }],
  ])('writes the same states with %s', (_, limits) => {
    // Devices are dropped from the cache after most flushes and must be read back, never taken as new.
    const limited = run(small, new DeviceStates(small, limits), batches)
    const unlimited = run(large, new DeviceStates(large), batches)

    expect(limited).toEqual(unlimited)
    expect(limited).toHaveLength(6)
    // d2's late connect (T + 15) does not undo its disconnect at T + 20; d3 moved to s2.
    expect(limited).toContainEqual(expect.objectContaining({ device: 'd2', status: 'disconnect' }))
    expect(limited).toContainEqual(expect.objectContaining({ device: 'd3', server: 's2', first_seen: T + 2 }))
  })

  it('reads every state from the table again after forget', () => {
    const states = new DeviceStates(small)
    run(small, states, batches.slice(0, 2))
    // Another writer moves d1 to s9 and drops d4.
    small.prepare(`UPDATE gold_devices SET server = 's9' WHERE device = 'd1'`).run()
    small.prepare(`DELETE FROM gold_devices WHERE device = 'd4'`).run()
    states.forget()

    const rows = run(small, states, [[event('d1', 'disconnect', T + 50), event('d4', 'usage', T + 60)]])

    expect(rows).toContainEqual(expect.objectContaining({ device: 'd1', server: 's9', status: 'disconnect' }))
    // d4 is new again: it has no connect, and was first seen at its usage.
    expect(rows).toContainEqual(expect.objectContaining({ device: 'd4', server: null, first_seen: T + 60 }))
  })

  it('keeps nothing of a rolled-back flush once forgotten', () => {
    const states = new DeviceStates(small)
    run(small, states, batches.slice(0, 2))
    expect(() =>
      small.transaction(() => {
        run(small, states, [[event('d1', 'connect', T + 100, 's9'), event('d7', 'connect', T + 100)]])
        throw new Error('the fold failed after its flush')
      })(),
    ).toThrow('the fold failed')
    states.forget()

    const rows = run(small, states, batches.slice(2))

    expect(rows).toEqual(run(large, new DeviceStates(large), batches))
  })
})
