import { describe, expect, it } from 'vitest'
import { firstSeen, type DeviceState } from './device-states'
import { ResidentStates } from './resident-states'

const T = Date.UTC(2026, 10, 28, 12, 0, 0)

const connected = (i: number): DeviceState => ({
  device: `d${i}`,
  server: `s${i % 3}`,
  client: `c${i % 7}`,
  device_type: 'mobile',
  plan_mbps: 100.5,
  ip: `10.0.${i >> 8}.${i & 255}`,
  connect_ts: T + i,
  status: i % 2 ? 'connect' : 'disconnect',
  status_ts: T + i,
  first_seen: T,
  last_seen: T + 2 * i,
  minute_first_ts: i % 5 ? T + i : null,
})

const neverConnected = (device: string): DeviceState => firstSeen(device, T)

describe('ResidentStates', () => {
  it('gives back each state as it was last set, nulls included, past the growth of its arrays', () => {
    const states = new ResidentStates()
    for (let i = 0; i < 3000; i++) states.set(connected(i), i)
    states.set(neverConnected('d5'))
    states.set({ ...connected(7), server: 's9', client: null, last_seen: T + 99 })

    expect(states.size).toBe(3000)
    expect(states.get('d0')).toEqual(connected(0))
    expect(states.get('d2999')).toEqual(connected(2999))
    expect(states.get('d5')).toEqual(neverConnected('d5'))
    expect(states.get('d7')).toEqual({ ...connected(7), server: 's9', client: null, last_seen: T + 99 })
    expect(states.get('d3000')).toBeUndefined()
  })

  it('hands out copies: changing one leaves the stored state alone', () => {
    const states = new ResidentStates()
    states.set(connected(1), 0)
    states.get('d1')!.last_seen = T + 1000
    expect(states.get('d1')!.last_seen).toBe(T + 2)
  })

  it('moves only first and last seen with setSeen, for a state set before', () => {
    const states = new ResidentStates()
    states.set(connected(3), 0)
    const moved = { ...connected(3), first_seen: T - 5, last_seen: T + 500, minute_first_ts: null }
    states.setSeen(moved)
    expect(states.get('d3')).toEqual(moved)
    // A device not set before is set whole.
    expect(() => states.setSeen(connected(4))).toThrow('d4 has no shared slot')
  })

  it("writes every device's last seen at its shared slot, for the readers' copy", () => {
    const states = new ResidentStates()
    for (let i = 0; i < 2000; i++) states.set(connected(i), 5000 + i)
    expect(() => states.set(connected(2000))).toThrow('d2000 has no shared slot')
    states.setSeen({ ...connected(42), last_seen: T + 4242, minute_first_ts: T + 4200 })
    const copy = states.seenCopy()
    expect(copy.slots).toBe(7000)
    const values = new Float64Array(copy.slots * 2)
    copy.writeInto(values)
    expect([values[5009 * 2], values[5009 * 2 + 1]]).toEqual([T + 18, T + 9])
    expect([values[5042 * 2], values[5042 * 2 + 1]]).toEqual([T + 4242, T + 4200])
    // A null minute_first_ts travels as NaN; a slot of no device is left alone.
    expect(values[5010 * 2 + 1]).toBeNaN()
    expect(values[4999 * 2]).toBe(0)
  })
})
