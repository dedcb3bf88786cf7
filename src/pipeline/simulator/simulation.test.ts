import { describe, expect, it } from 'vitest'
import { deviceEvent } from '../../shared/events'
import { normalize } from '../silver/normalize'
import { PLAN_SPEEDS_MBPS } from './profiles'
import { recordToLine, type SimEvent, type SimRecord } from './records'
import { createSimulation, DEFAULT_START, type SimulationOptions } from './simulation'

const lines = (options: SimulationOptions, count: number) =>
  createSimulation(options).take(count).map(recordToLine).join('\n')

const context = { receivedAt: DEFAULT_START, seedTimeZone: 'UTC', seedServer: 'seed' }
const validEvents = (records: SimRecord[]): SimEvent[] =>
  records.flatMap((r) => (r.bad === null ? [r.value] : []))

// One default-sized run shared by the shape tests: 20,000 devices, 12 servers, 2,000 events/s, 2 minutes.
const big = createSimulation({ seed: 7 })
const bigRecords = big.take(240_000)
const bigEvents = validEvents(bigRecords)

describe('the traffic simulation', () => {
  it('gives byte-identical output for the same seed and options, and different output for another seed', () => {
    const options = { seed: 42, devices: 2_000, servers: 4, rate: 500, badShare: 0.05 }
    const first = lines(options, 20_000)
    expect(lines(options, 20_000)).toBe(first)
    expect(lines({ ...options, seed: 43 }, 20_000)).not.toBe(first)
  })

  it('keeps the same traffic when only the bad share changes', () => {
    const clean = createSimulation({ seed: 5, devices: 1_000, rate: 300 }).take(5_000)
    const dirty = createSimulation({ seed: 5, devices: 1_000, rate: 300, badShare: 0.2 }).take(5_000)
    clean.forEach((record, i) => {
      const other = dirty[i] as SimRecord
      if (other.bad === null) expect(other.value).toEqual(record.value)
    })
  })

  it('emits only events that pass the protocol schema and that silver accepts, with unique ids', () => {
    for (const event of bigEvents) {
      const parsed = deviceEvent.safeParse(event)
      if (!parsed.success) throw new Error(`${JSON.stringify(event)}: ${parsed.error.message}`)
    }
    for (const event of bigEvents.slice(0, 20_000)) {
      expect(normalize(JSON.stringify(event), 'json', context).ok).toBe(true)
    }
    expect(new Set(bigRecords.map((r) => (typeof r.value === 'string' ? r.value : r.value.id))).size).toBe(
      bigRecords.length,
    )
  })

  it('advances simulated time by 1/rate per record from the start time', () => {
    const simulation = createSimulation({ seed: 1, devices: 500, rate: 250, start: Date.UTC(2026, 0, 1) })
    const events = validEvents(simulation.take(1_000))
    expect(events[0]?.ts).toBe(Date.UTC(2026, 0, 1))
    expect(simulation.now).toBe(Date.UTC(2026, 0, 1) + 4_000)
    expect(simulation.takeFor(2_000)).toHaveLength(500)
    const ts = events.map((e) => e.ts as number)
    expect(ts.every((t, i) => i === 0 || t >= (ts[i - 1] as number))).toBe(true)
  })

  it('stamps events with the given clock in live runs', () => {
    const simulation = createSimulation({ seed: 1, devices: 100, rate: 100, clock: () => 1_800_000_000_000 })
    expect(validEvents(simulation.take(50)).every((e) => e.ts === 1_800_000_000_000)).toBe(true)
  })

  it('models clients with 1 to 4 devices, all device types and the seed plan speeds', () => {
    const { clients, devices, servers } = big.inventory
    expect(devices).toHaveLength(20_000)
    expect(servers.map((s) => s.id)).toEqual(
      Array.from({ length: 12 }, (_, i) => `ap-${String(i + 1).padStart(2, '0')}`),
    )
    expect(clients.every((c) => c.devices.length >= 1 && c.devices.length <= 4)).toBe(true)
    expect(clients[41]?.id).toBe('client-00042')
    expect(new Set(devices.map((d) => d.type))).toEqual(new Set(['mobile', 'computer', 'tv', 'iot', 'other']))
    expect(devices.every((d) => /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(d.id))).toBe(true)
    expect(new Set(devices.map((d) => d.id)).size).toBe(devices.length)
    expect(new Set(clients.map((c) => c.plan_mbps))).toEqual(new Set(PLAN_SPEEDS_MBPS))
    const types = new Set(bigEvents.map((e) => e.type))
    expect(types).toEqual(new Set(['connect', 'disconnect', 'usage', 'flow']))
  })

  it('has heavy-tailed usage: the top 5 % of clients carry well over a third of the bytes', () => {
    const perClient = new Map<string, number>()
    for (const e of bigEvents) {
      if (e.type === 'usage')
        perClient.set(e.client, (perClient.get(e.client) ?? 0) + e.bytes_down + e.bytes_up)
    }
    const sorted = [...perClient.values()].sort((a, b) => b - a)
    const total = sorted.reduce((sum, b) => sum + b, 0)
    const top = sorted.slice(0, Math.ceil(big.inventory.clients.length * 0.05)).reduce((sum, b) => sum + b, 0)
    expect(top / total).toBeGreaterThan(0.4)
  })

  it('caps every usage sample at the client plan', () => {
    const plans = new Map(big.inventory.devices.map((d) => [d.id, d.plan_mbps]))
    const over = bigEvents.filter(
      (e) =>
        e.type === 'usage' &&
        e.duration_ms &&
        (e.bytes_down * 8) / (e.duration_ms * 1000) > (plans.get(e.device) as number) * 1.001,
    )
    expect(over).toEqual([])
  })

  it('spreads devices unevenly and runs some servers above 85 % of capacity over a minute', () => {
    const { servers } = big.inventory
    const counts = servers.map((s) => s.devices)
    expect(Math.max(...counts) / Math.min(...counts)).toBeGreaterThan(2)
    // The minute after the start-up ramp (every online device has reported by then).
    const from = DEFAULT_START + 30_000
    const to = from + 60_000
    const down = new Map<string, number>()
    for (const e of bigEvents) {
      if (e.type === 'usage' && (e.ts as number) >= from && (e.ts as number) < to) {
        down.set(e.server, (down.get(e.server) ?? 0) + e.bytes_down)
      }
    }
    const utilisation = servers.map((s) => ((down.get(s.id) ?? 0) * 8) / 60 / 1e6 / s.capacity_mbps)
    expect(utilisation.filter((u) => u > 0.85).length).toBeGreaterThan(0)
    expect(utilisation.filter((u) => u < 0.85).length).toBeGreaterThan(0)
  })

  it('makes about the requested share of records bad, every one of which silver rejects', () => {
    const records = createSimulation({ seed: 3, devices: 2_000, rate: 1_000, badShare: 0.05 }).take(40_000)
    const bad = records.filter((r) => r.bad !== null)
    expect(bad.length / records.length).toBeGreaterThan(0.045)
    expect(bad.length / records.length).toBeLessThan(0.055)
    expect(new Set(bad.map((r) => r.bad))).toEqual(
      new Set(['negative-bytes', 'missing-field', 'unknown-type', 'broken-json', 'future-ts']),
    )
    for (const record of bad) {
      const result = normalize(recordToLine(record), 'json', { ...context, receivedAt: Date.now() })
      if (result.ok) throw new Error(`silver accepted a ${record.bad} record: ${recordToLine(record)}`)
    }
  })

  it('sends a usage report from every online device at least every 10 s at the default size', () => {
    expect(big.reportIntervalMs).toBeGreaterThan(2_000)
    expect(big.reportIntervalMs * 1.25).toBeLessThan(10_000)
  })

  it('refuses options it cannot honour', () => {
    expect(() => createSimulation({ seed: -1 })).toThrow(/seed/)
    expect(() => createSimulation({ seed: 1, devices: 1 })).toThrow(/devices/)
    expect(() => createSimulation({ seed: 1, servers: 0 })).toThrow(/servers/)
    expect(() => createSimulation({ seed: 1, rate: 0 })).toThrow(/rate/)
    expect(() => createSimulation({ seed: 1, badShare: 2 })).toThrow(/badShare/)
  })
})
