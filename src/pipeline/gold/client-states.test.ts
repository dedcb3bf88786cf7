import { describe, expect, it } from 'vitest'
import { ClientStates, type ClientState } from './client-states'

const row = (i: number): ClientState => ({
  client: `c${i}`,
  plan_mbps: i % 3 === 0 ? null : i / 4,
  plan_ts: i % 3 === 0 ? null : 1000 + i,
  first_seen: 10 * i,
  last_seen: 10 * i + 5,
  live_until: i % 2 === 0 ? null : 10 * i + 5,
  window_bytes: i * 1_000_003,
  devices: i % 7,
  main_server: i % 5 === 0 ? null : `s${i % 5}`,
  main_bytes: i % 5 === 0 ? 0 : i * 17,
  latest_server: i % 4 === 0 ? null : `s${i % 4}`,
})

describe("clients' rows in memory", () => {
  it('give back every row as set, nulls included, past the room they started with', () => {
    const states = new ClientStates()
    for (let i = 0; i < 3000; i++) states.set(row(i))
    expect(states.size).toBe(3000)
    for (const i of [0, 1, 2, 1023, 1024, 2999]) expect(states.get(`c${i}`)).toEqual(row(i))
    expect(states.get('nobody')).toBeUndefined()
    expect([...states.all()]).toHaveLength(3000)
  })

  it('say what changed since they were last asked: everything first, then the slots set and the names new', () => {
    const states = new ClientStates()
    for (let i = 0; i < 10; i++) states.set(row(i))
    const first = states.takeChanges()
    expect(first).toMatchObject({ full: true, firstSlot: 0, slotCount: 10, firstServer: 1 })
    expect([...first.slots]).toHaveLength(10)
    expect(first.names).toEqual(Array.from({ length: 10 }, (_, i) => `c${i}`))
    expect(first.servers).toEqual(['s1', 's2', 's3', 's4'])

    states.set({ ...row(3), window_bytes: 5 })
    states.set(row(10))
    const next = states.takeChanges()
    expect(next).toMatchObject({ full: false, firstSlot: 10, names: ['c10'], servers: [], slotCount: 11 })
    expect([...next.slots].sort((a, b) => a - b)).toEqual([3, 10])
    expect(states.takeChanges()).toMatchObject({ full: false, names: [], slots: [] })
    // Asked for everything again (a reader that started late).
    expect(states.takeChanges(true)).toMatchObject({ full: true, firstSlot: 0, slotCount: 11 })
  })
})
