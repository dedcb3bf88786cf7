// Small datasets whose Overview is worked out by hand in each test. T is a whole second; S = T / 1000 is
// its gold bucket, and an event at ts falls in bucket ceil(ts / 1000), so windows are (T - W, T].
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../engine'
import { overviewQuery } from './overview'
import { withoutLiveState } from './testing/random-network'
import type { Overview } from '../../shared/metrics'

const T = Date.UTC(2024, 5, 1, 12, 0, 0)
const S = T / 1000
const SEC = 1000
const MIN = 60 * SEC
const HOUR = 60 * MIN

let dir: string
let engine: Engine
let nextId = 0

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigia-metrics-'))
  engine = Engine.open(join(dir, 'vigia.db'))
  nextId = 0
})

afterEach(() => {
  engine.close()
  rmSync(dir, { recursive: true, force: true })
})

type Fields = Record<string, unknown>

const connect = (ts: number, device: string, extra: Fields = {}): Fields => ({
  id: `e${++nextId}`,
  type: 'connect',
  ts,
  server: 's1',
  device,
  client: `client-${device}`,
  ...extra,
})
const disconnect = (ts: number, device: string, extra: Fields = {}): Fields => ({
  id: `e${++nextId}`,
  type: 'disconnect',
  ts,
  server: 's1',
  device,
  ...extra,
})
const usage = (ts: number, device: string, down: number, up: number, extra: Fields = {}): Fields => ({
  id: `e${++nextId}`,
  type: 'usage',
  ts,
  server: 's1',
  device,
  client: `client-${device}`,
  bytes_down: down,
  bytes_up: up,
  ...extra,
})
const flow = (ts: number, device: string, peer: string, bytes: number): Fields => ({
  id: `e${++nextId}`,
  type: 'flow',
  ts,
  device,
  peer,
  bytes,
})

/** Ingests one NDJSON frame and checks that every event was accepted, so a typo cannot hide in a count. */
function ingest(events: Fields[]): void {
  const [result] = engine.ingestFrames([
    {
      source: 'test',
      seq: null,
      receivedAt: T + 3600 * SEC,
      bytes: Buffer.from(events.map((e) => JSON.stringify(e)).join('\n')),
    },
  ])
  expect(result!.rejects).toEqual([])
  expect(result!.accepted).toBe(events.length)
}

const overview = (at = T): Overview => overviewQuery(engine.db)(at, engine.settings.get())

describe('connections', () => {
  it('counts connects and disconnects per second over 15 min and over the last 60 s', () => {
    ingest([
      connect(T - 500, 'd1'), // bucket S
      connect(T - 1000, 'd2'), // exactly on a second boundary: bucket S - 1
      disconnect(T - 1500, 'd3'), // bucket S - 1
      connect(T - 30 * SEC, 'd3'), // bucket S - 30
      connect(T - 59_999, 'd5'), // bucket S - 59: the oldest second of the last 60 s
      connect(T - 60 * SEC, 'd4'), // bucket S - 60: outside the last 60 s, inside the series
      disconnect(T - 899 * SEC, 'd6'), // bucket S - 899: the first second of the series
      disconnect(T - 900 * SEC, 'd7'), // bucket S - 900: outside the series
      connect(T + 1, 'd8'), // bucket S + 1: after T
    ])
    const { connections, at } = overview(T)
    expect(at).toBe(T)

    const series = connections.perSecond
    expect(series).toHaveLength(900)
    expect(series[0]!.t).toBe((S - 899) * SEC)
    expect(series.at(-1)!.t).toBe(T)
    const nonZero = series.filter((s) => s.connects + s.disconnects > 0)
    expect(nonZero).toEqual([
      { t: (S - 899) * SEC, connects: 0, disconnects: 1 },
      { t: (S - 60) * SEC, connects: 1, disconnects: 0 },
      { t: (S - 59) * SEC, connects: 1, disconnects: 0 },
      { t: (S - 30) * SEC, connects: 1, disconnects: 0 },
      { t: (S - 1) * SEC, connects: 1, disconnects: 1 },
      { t: S * SEC, connects: 1, disconnects: 0 },
    ])
    // Last 60 s = buckets S - 59 .. S: connects d5, d3, d2, d1 = 4; disconnects d3 = 1.
    expect(connections.last60s).toEqual({ connects: 4, disconnects: 1 })
    expect(connections.byServer).toEqual([{ server: 's1', connects: 4, disconnects: 1, connectedDevices: 4 }])
  })
})

describe('window edges', () => {
  it('excludes an event exactly at T - W and includes one exactly at T', () => {
    ingest([
      // Connections, 60 s: d1 at T - 60 s is out, d2 at T is in, d5 at T + 1 ms is after T.
      connect(T - 60 * SEC, 'd1'),
      connect(T, 'd2'),
      connect(T + 1, 'd5'),
      // Distinct devices, 10 min: d3 at T - 10 min is out, d4 1 ms later is in.
      connect(T - 10 * MIN, 'd3'),
      connect(T - 10 * MIN + 1, 'd4'),
      // Throughput, 10 s: 3000 + 0 at T - 10 s is out, 30 + 0 at T is in.
      // Server throughput, 60 s: 600 000 at T - 60 s is out; 3000 and 30 are in.
      usage(T - 60 * SEC, 'd2', 600_000, 0),
      usage(T - 10 * SEC, 'd2', 3000, 0),
      usage(T, 'd2', 30, 0),
      // Device pairs, 60 s: 6000 at T - 60 s is out, 60 at T is in.
      flow(T - 60 * SEC, 'a', 'b', 6000),
      flow(T, 'a', 'b', 60),
    ])
    const o = overview()
    expect(o.connections.last60s).toEqual({ connects: 1, disconnects: 0 })
    expect(o.distinctDevices).toEqual({ windowMin: 10, count: 3 }) // d1, d2, d4
    expect(o.throughput.totalBps).toBe(24) // 30 B * 8 / 10 s
    expect(o.servers.find((s) => s.server === 's1')!.throughputBps).toBe(404) // (3000 + 30) * 8 / 60
    expect(o.topPairs).toEqual([{ device: 'a', peer: 'b', bps: 8 }]) // 60 * 8 / 60
  })
})

describe('connected devices', () => {
  it('counts a device as connected after a connect and an event within the idle timeout, per server', () => {
    ingest([
      connect(T - 31 * MIN, 'dA'), // nothing in (T - 30 min, T]: idle, not connected
      connect(T - 31 * MIN, 'dB'),
      usage(T - 29 * MIN, 'dB', 1, 1), // ... but this usage keeps dB connected
      connect(T - 30 * MIN, 'dC'), // exactly at T - 30 min: outside the idle window
      connect(T - 30 * MIN + 1, 'dD'), // just inside
      connect(T - 10 * SEC, 'dE'),
      disconnect(T - 10 * SEC, 'dE'), // a tie: the disconnect wins
      connect(T - 20 * SEC, 'dF'),
      disconnect(T - 10 * SEC, 'dF'),
      disconnect(T - 20 * SEC, 'dG', { server: 's2' }),
      connect(T - 10 * SEC, 'dG', { server: 's2' }),
      connect(T - 20 * SEC, 'dH'),
      connect(T - 5 * SEC, 'dH', { server: 's2' }), // moved to s2: counted once, under s2
      connect(T + SEC, 'dI'), // after T
    ])
    const o = overview()
    // Connected: dB, dD on s1; dG, dH on s2.
    expect(o.connections.connectedDevices).toBe(4)
    // Last 60 s: s1 connects dE, dF, dH = 3, disconnects dE, dF = 2; s2 connects dG, dH = 2, disconnects dG = 1.
    expect(o.connections.byServer).toEqual([
      { server: 's1', connects: 3, disconnects: 2, connectedDevices: 2 },
      { server: 's2', connects: 2, disconnects: 1, connectedDevices: 2 },
    ])
    expect(o.servers.map((s) => [s.server, s.connectedDevices])).toEqual([
      ['s1', 2],
      ['s2', 2],
    ])

    // With a 60 min idle timeout dA and dC are connected again: s1 has dA, dB, dC, dD.
    engine.updateSettings({ idleTimeoutMin: 60 })
    const longer = overview()
    expect(longer.connections.connectedDevices).toBe(6)
    expect(longer.connections.byServer.find((s) => s.server === 's1')!.connectedDevices).toBe(4)
  })
})

describe('connected devices with no idle timeout', () => {
  it('keeps status snapshots (connects only) connected hours after the last one, live and at any T', () => {
    // Seed records: one status per device, no heartbeats.
    ingest([
      connect(T - 3 * HOUR, 'dA', { plan_mbps: 100 }),
      connect(T - 2 * HOUR, 'dB', { plan_mbps: 50, server: 's2' }),
      connect(T - 2 * HOUR, 'dC'),
      disconnect(T - HOUR, 'dC'),
    ])
    // Five hours after the newest event: the live state answers.
    const later = T + 5 * HOUR
    const idle30 = overview(later)
    expect(idle30.connections.idleTimeoutMin).toBe(30)
    expect(idle30.connections.connectedDevices).toBe(0)

    engine.updateSettings({ idleTimeoutMin: null })
    const never = overview(later)
    expect(never.connections.idleTimeoutMin).toBeNull()
    expect(never.connections.connectedDevices).toBe(2)
    expect(never.connections.byServer.map((s) => [s.server, s.connectedDevices])).toEqual([
      ['s1', 1],
      ['s2', 1],
    ])
    expect(never.heavyClients.connectedClients).toBe(2)
    expect(never.throughput.provisionedBps).toBe(150e6)
    expect(never.servers.map((s) => [s.server, s.connectedDevices])).toEqual([
      ['s1', 1],
      ['s2', 1],
    ])
    // The queries for any T give the same without the live state (which also says where gold ends).
    const figures = ({ newestAt: _, ...rest }: Overview) => rest
    expect(figures(withoutLiveState(engine, () => overview(later)))).toEqual(figures(never))
    // Before dC's disconnect all three are connected, two hours after dA's connect.
    expect(overview(T - HOUR - SEC).connections.connectedDevices).toBe(3)
    expect(overview(T - HOUR).connections.connectedDevices).toBe(2)
  })
})

describe('distinct devices', () => {
  it('counts the distinct devices with a connect in the last 10 minutes', () => {
    ingest([
      connect(T - 9 * MIN, 'd1'),
      connect(T - 1 * MIN, 'd1'), // the same device twice counts once
      connect(T - 5 * MIN, 'd2'),
      connect(T - 10 * MIN, 'd3'), // exactly at T - 10 min: out
      connect(T - 10 * MIN + 1, 'd4'),
      usage(T - 1 * MIN, 'd5', 10, 10), // usage alone is not a connect
      disconnect(T - 2 * MIN, 'd6'), // nor is a disconnect
      connect(T + SEC, 'd7'), // after T
    ])
    // d1, d2, d4
    expect(overview().distinctDevices).toEqual({ windowMin: 10, count: 3 })
    // Over 20 minutes d3 is in too.
    engine.updateSettings({ distinctWindowMin: 20 })
    expect(overview().distinctDevices).toEqual({ windowMin: 20, count: 4 })
  })
})

describe('throughput', () => {
  it('gives bit/s over the last 10 s in total, per server and per direction, with a per-second series', () => {
    ingest([
      usage(T - 2000, 'd1', 1000, 250), // s1, bucket S - 2
      usage(T - 9999, 'd1', 500, 0), // s1, bucket S - 9
      usage(T, 'd2', 0, 2500, { server: 's2' }), // s2, bucket S
      usage(T - 10 * SEC, 'd1', 99_999, 1), // s1, bucket S - 10: outside the 10 s, inside the series
      usage(T + 1, 'd2', 7, 0, { server: 's2' }), // after T
    ])
    const { throughput } = overview()
    // s1: down 1000 + 500 = 1500 B, up 250 B -> 1500 * 8 / 10 = 1200 b/s down, 250 * 8 / 10 = 200 up, 1400 total.
    // s2: up 2500 B -> 2000 b/s.
    expect(throughput.byServer).toEqual([
      { server: 's2', bps: 2000, downBps: 0, upBps: 2000 },
      { server: 's1', bps: 1400, downBps: 1200, upBps: 200 },
    ])
    expect(throughput.totalBps).toBe(3400)
    expect(throughput.downBps).toBe(1200)
    expect(throughput.upBps).toBe(2200)

    // The series is bytes * 8 per second bucket over the last 15 minutes.
    expect(throughput.perSecond).toHaveLength(900)
    expect(throughput.perSecond.at(-1)!.t).toBe(T)
    expect(throughput.perSecond.filter((p) => p.bps > 0)).toEqual([
      { t: T - 10 * SEC, bps: 800_000 }, // (99 999 + 1) * 8
      { t: T - 9 * SEC, bps: 4000 }, // 500 * 8
      { t: T - 2 * SEC, bps: 10_000 }, // 1250 * 8
      { t: T, bps: 20_000 }, // 2500 * 8
    ])
  })

  it('spreads a usage sample evenly over the duration before its time', () => {
    ingest([
      // 58 s at 1 MB/s, reported at T: every second of (T - 58 s, T] carries 1 000 000 B.
      usage(T, 'd1', 58_000_000, 0, { duration_ms: 58_000 }),
      // 2 s ending half-way through T - 11 s: 250 ms in (T - 13 s, T - 12 s], 1 s in the next, 750 ms in the
      // one after.
      usage(T - 11 * SEC - 250, 'd2', 0, 2000, { duration_ms: 2000, server: 's2' }),
      // A sample reaching past T: only its part at or before T counts at T.
      usage(T + 5 * SEC, 'd3', 10_000, 0, { duration_ms: 10_000, server: 's3' }),
    ])
    const { throughput } = overview()
    // s1: 10 s of 1 MB -> 8 Mb/s; s3: 5 s of 1000 B in (T - 5 s, T] -> 5000 * 8 / 10 = 4000 b/s.
    expect(throughput.byServer).toEqual([
      { server: 's1', bps: 8_000_000, downBps: 8_000_000, upBps: 0 },
      { server: 's3', bps: 4000, downBps: 4000, upBps: 0 },
    ])
    const series = throughput.perSecond.filter((p) => p.bps > 0)
    expect(
      series.filter((p) => p.t > T - 58 * SEC && p.t <= T - 14 * SEC).every((p) => p.bps === 8_000_000),
    ).toBe(true)
    expect(series.find((p) => p.t === T - 12 * SEC)!.bps).toBe(8_000_000 + 8000)
    expect(series.find((p) => p.t === T - 13 * SEC)!.bps).toBe(8_000_000 + 2000)
    expect(series.at(-1)).toEqual({ t: T, bps: 8_000_000 + 1000 * 8 })
    // Nothing before the first sample's interval: (T - 58 s, T] starts after the second ending at T - 58 s.
    expect(series.some((p) => p.t <= T - 58 * SEC)).toBe(false)
    expect(series.filter((p) => p.t > T - 58 * SEC)).toHaveLength(58)
  })

  it('reads the usage figures of a live view a minute behind T, when the reports covering them are in', () => {
    ingest([
      connect(T - 5 * MIN, 'd1', { plan_mbps: 100 }),
      // 30 s reports: the one at T covers (T - 30 s, T]; the seconds before T - 30 s came earlier.
      usage(T - 60 * SEC, 'd1', 30_000, 0, { duration_ms: 30_000 }),
      usage(T - 30 * SEC, 'd1', 30_000, 0, { duration_ms: 30_000 }),
      usage(T, 'd1', 30_000, 0, { duration_ms: 30_000 }),
      // A server first seen within the last minute is listed all the same.
      connect(T - 10 * SEC, 'd2', { server: 's2' }),
    ])
    const asked = overview()
    const live = overviewQuery(engine.db)(T, engine.settings.get(), true)
    expect(asked.usageAt).toBe(T)
    expect(live.usageAt).toBe(T - 60 * SEC)
    // 1000 B/s: 8000 b/s at T, and a minute before T only the report ending there covers its 10 s.
    expect(asked.throughput.totalBps).toBe(8000)
    expect(live.throughput.totalBps).toBe(8000)
    expect(live.throughput.perSecond.at(-1)).toEqual({ t: T - 60 * SEC, bps: 8000 })
    // Servers over (T - 120 s, T - 60 s]: only the report ending at T - 60 s covers it, 30 000 B in 60 s.
    expect(live.servers.map((s) => [s.server, s.throughputBps])).toEqual([
      ['s1', 4000],
      ['s2', 0],
    ])
    // Everything else stays at T.
    expect(live.at).toBe(T)
    expect({ ...live, usageAt: T, throughput: null, deviceTypes: null, servers: null }).toEqual({
      ...asked,
      throughput: null,
      deviceTypes: null,
      servers: null,
    })
  })

  it('counts in a window the part of a sample that falls inside it, for heavy clients too', () => {
    // 100 Mb/s for 10 minutes, reported once at T: 5 minutes of it fall in (T - 5 min, T] -> 100 Mb/s there.
    // As a point it would have been 200 Mb/s over the last 5 minutes; at T - 5 min it would have been 0.
    const bytes = (100e6 / 8) * 600
    ingest([connect(T - 20 * MIN, 'a1', { client: 'alice' })])
    ingest([usage(T, 'a1', bytes, 0, { client: 'alice', duration_ms: 600_000 })])
    engine.updateSettings({ heavyThresholdMbps: 100 })
    expect(overview().heavyClients).toMatchObject({ connectedClients: 1, heavyClients: 1 })
    engine.updateSettings({ heavyThresholdMbps: 100.001 })
    expect(overview().heavyClients).toMatchObject({ connectedClients: 1, heavyClients: 0 })
    expect(overview(T - 5 * MIN).throughput.totalBps).toBe(100e6)
  })

  it('sums the plans of the connected devices as provisioned bandwidth', () => {
    ingest([
      connect(T - 60 * SEC, 'd1', { plan_mbps: 100 }),
      connect(T - 60 * SEC, 'd2', { plan_mbps: 20.5 }),
      connect(T - 60 * SEC, 'd3'), // no plan: adds nothing
      connect(T - 60 * SEC, 'd4', { plan_mbps: 1000 }),
      disconnect(T - 30 * SEC, 'd4'), // not connected: its plan does not count
      connect(T - 60 * SEC, 'd5', { plan_mbps: 50 }),
      connect(T - 30 * SEC, 'd5', { plan_mbps: 75 }), // the latest connect's plan counts
      connect(T + SEC, 'd6', { plan_mbps: 400 }), // after T
    ])
    // (100 + 20.5 + 0 + 75) Mb/s = 195.5 Mb/s
    expect(overview().throughput.provisionedBps).toBe(195_500_000)
  })
})

describe('heavy clients and plan classes', () => {
  // 50 Mb/s over 5 min is 50e6 * 300 / 8 = 1 875 000 000 bytes.
  const AT_THRESHOLD = 1_875_000_000

  it('counts a connected client at or above 50 Mb/s over 5 minutes as heavy', () => {
    ingest([
      // alice: two devices, 1 000 000 000 + 875 000 000 = exactly the threshold -> heavy.
      connect(T - 20 * MIN, 'a1', { client: 'alice' }),
      connect(T - 20 * MIN, 'a2', { client: 'alice' }),
      usage(T - 100 * SEC, 'a1', 1_000_000_000, 0, { client: 'alice' }),
      usage(T - 299 * SEC, 'a2', 0, 875_000_000, { client: 'alice' }),
      // bob: one byte short -> not heavy.
      connect(T - 20 * MIN, 'b1', { client: 'bob' }),
      usage(T - SEC, 'b1', AT_THRESHOLD - 1, 0, { client: 'bob' }),
      // carol: her traffic is exactly at T - 5 min, outside the window -> 0 b/s.
      connect(T - 20 * MIN, 'c1', { client: 'carol' }),
      usage(T - 300 * SEC, 'c1', 10 * AT_THRESHOLD, 0, { client: 'carol' }),
      // dave: connected, no traffic.
      connect(T - 20 * MIN, 'd1', { client: 'dave' }),
      // erin: heavy traffic but disconnected -> in neither count.
      connect(T - 20 * MIN, 'e1', { client: 'erin' }),
      disconnect(T - 20 * SEC, 'e1'),
      usage(T - 10 * SEC, 'e1', 5 * AT_THRESHOLD, 0, { client: 'erin' }),
      // frank: the threshold reached across two servers -> heavy.
      connect(T - 20 * MIN, 'f1', { client: 'frank' }),
      usage(T - 10 * SEC, 'f1', 1_000_000_000, 0, { client: 'frank' }),
      usage(T - 10 * SEC, 'f1', 875_000_000, 0, { client: 'frank', server: 's2' }),
    ])
    const { heavyClients } = overview()
    // Connected: alice, bob, carol, dave, frank = 5; heavy: alice, frank = 2 -> 2 / 5.
    expect(heavyClients).toMatchObject({
      thresholdMbps: 50,
      connectedClients: 5,
      heavyClients: 2,
      heavyShare: 0.4,
    })

    // At 40 Mb/s bob (49.99... Mb/s) is heavy too: 3 / 5.
    engine.updateSettings({ heavyThresholdMbps: 40 })
    expect(overview().heavyClients).toMatchObject({ thresholdMbps: 40, heavyClients: 3, heavyShare: 0.6 })
  })

  it('classes each connected client by the plan of its latest connect: <= 20 low, <= 100 medium, above high', () => {
    ingest([
      connect(T - MIN, 'p20', { client: 'p20', plan_mbps: 20 }), // low
      connect(T - MIN, 'p21', { client: 'p21', plan_mbps: 21 }), // medium
      connect(T - MIN, 'p100', { client: 'p100', plan_mbps: 100 }), // medium
      connect(T - MIN, 'p101', { client: 'p101', plan_mbps: 101 }), // high
      connect(T - MIN, 'none', { client: 'none' }), // unknown
      // mix: the latest connect at or before T says 200 -> high; the one after T does not count.
      connect(T - 10 * MIN, 'm1', { client: 'mix', plan_mbps: 10 }),
      connect(T - 5 * MIN, 'm2', { client: 'mix', plan_mbps: 200 }),
      connect(T + SEC, 'm3', { client: 'mix', plan_mbps: 5 }),
      // q: only q1 (300) is connected, but the client's latest connect is q2's (5) -> low.
      connect(T - 20 * MIN, 'q1', { client: 'q', plan_mbps: 300 }),
      connect(T - 10 * MIN, 'q2', { client: 'q', plan_mbps: 5 }),
      disconnect(T - 5 * MIN, 'q2'),
    ])
    const { heavyClients } = overview()
    // 7 connected clients: low p20, q; medium p21, p100; high p101, mix; unknown none.
    expect(heavyClients.connectedClients).toBe(7)
    expect(heavyClients.planClasses).toEqual({ low: 2, medium: 2, high: 2, unknown: 1 })
    expect(heavyClients.highPlanShare).toBe(2 / 7)
    expect(heavyClients.heavyClients).toBe(0)
    expect(heavyClients.heavyShare).toBe(0)
  })

  it('gives null shares when no client is connected', () => {
    ingest([connect(T - MIN, 'd1'), disconnect(T - 30 * SEC, 'd1')])
    expect(overview().heavyClients).toEqual({
      thresholdMbps: 50,
      connectedClients: 0,
      heavyClients: 0,
      heavyShare: null,
      planClasses: { low: 0, medium: 0, high: 0, unknown: 0 },
      highPlanShare: null,
    })
  })
})

describe('device pairs', () => {
  it('gives the bandwidth of each ordered device pair over 60 s, largest first', () => {
    ingest([
      flow(T - SEC, 'a', 'b', 600),
      flow(T - 30 * SEC, 'a', 'b', 600),
      flow(T - 2 * SEC, 'b', 'a', 300), // the reverse direction is another pair
      flow(T - 60 * SEC, 'a', 'c', 6000), // at T - 60 s: out
      flow(T, 'c', 'a', 60),
      flow(T + SEC, 'a', 'c', 999), // after T
    ])
    // a -> b: 1200 * 8 / 60 = 160; b -> a: 300 * 8 / 60 = 40; c -> a: 60 * 8 / 60 = 8.
    expect(overview().topPairs).toEqual([
      { device: 'a', peer: 'b', bps: 160 },
      { device: 'b', peer: 'a', bps: 40 },
      { device: 'c', peer: 'a', bps: 8 },
    ])
  })

  it('keeps the 20 largest pairs', () => {
    // Pair i sends (i + 1) * 60 bytes: 8 * (i + 1) b/s. The 20 largest are i = 24 .. 5.
    ingest(Array.from({ length: 25 }, (_, i) => flow(T - SEC, `d${i}`, 'hub', (i + 1) * 60)))
    const pairs = overview().topPairs
    expect(pairs).toHaveLength(20)
    expect(pairs[0]).toEqual({ device: 'd24', peer: 'hub', bps: 200 })
    expect(pairs.at(-1)).toEqual({ device: 'd5', peer: 'hub', bps: 48 })
  })
})

describe('device types', () => {
  it('gives throughput and provisioned bandwidth per device type', () => {
    ingest([
      connect(T - MIN, 'd1', { device_type: 'computer', plan_mbps: 100 }),
      connect(T - MIN, 'd2', { device_type: 'mobile', plan_mbps: 50 }),
      connect(T - MIN, 'd3', { device_type: 'mobile', plan_mbps: 10 }),
      connect(T - MIN, 'd4', { plan_mbps: 5 }), // no type: 'unknown'
    ])
    ingest([
      usage(T - SEC, 'd1', 600, 400),
      usage(T - 10 * SEC, 'd1', 9999, 0), // at T - 10 s: out
      usage(T - SEC, 'd2', 500, 0),
      usage(T - SEC, 'd3', 0, 250),
      usage(T - SEC, 'd5', 125, 0), // a device never connected: 'unknown'
      usage(T - SEC, 'd6', 300, 0), // d6's connect, 20 s before it, arrives later: the sample is a 'tv' one
    ])
    ingest([connect(T - 20 * SEC, 'd6', { device_type: 'tv', plan_mbps: 30 })])

    // computer: 1000 B * 8 / 10 s = 800 b/s; mobile: 750 B -> 600 b/s; tv: 300 B -> 240 b/s; unknown: 125 B
    // -> 100 b/s. Provisioned: computer 100, mobile 50 + 10, unknown (d4) 5, tv (d6) 30 Mb/s.
    expect(overview().deviceTypes).toEqual([
      { deviceType: 'computer', bps: 800, provisionedBps: 100e6, connectedDevices: 1 },
      { deviceType: 'mobile', bps: 600, provisionedBps: 60e6, connectedDevices: 2 },
      { deviceType: 'tv', bps: 240, provisionedBps: 30e6, connectedDevices: 1 },
      { deviceType: 'unknown', bps: 100, provisionedBps: 5e6, connectedDevices: 1 },
    ])
  })
})

describe('server utilisation', () => {
  it('divides connected devices and throughput by the inventory, with defaults for servers not in it', () => {
    const addServer = engine.db.prepare(
      'INSERT INTO settings_servers (server, name, region, max_connections, capacity_mbps) VALUES (?, ?, ?, ?, ?)',
    )
    addServer.run('s1', 'Lisboa 1', 'eu-west', 4, 1)
    addServer.run('s3', 'Porto', 'eu-west', 100, 1000)
    ingest([
      connect(T - 30 * SEC, 'd1'),
      connect(T - 30 * SEC, 'd2'),
      usage(T - 30 * SEC, 'd1', 3_000_000, 0),
      usage(T - 59_999, 'd2', 0, 750_000),
      usage(T - 60 * SEC, 'd2', 9_000_000, 0), // at T - 60 s: out
      connect(T - 30 * SEC, 'd3', { server: 's2' }),
      usage(T - 5 * SEC, 'd3', 7_500_000, 0, { server: 's2' }),
    ])

    // s2 is not in the inventory: the default 1000 connections and 10 000 Mb/s apply.
    const s2 = overview().servers.find((s) => s.server === 's2')!
    expect([s2.maxConnections, s2.capacityMbps, s2.inInventory]).toEqual([1000, 10_000, false])

    engine.updateSettings({ defaultMaxConnections: 10, defaultCapacityMbps: 2 })
    // s1: 2 of 4 devices; (3 000 000 + 750 000) B * 8 / 60 s = 500 000 b/s of 1 Mb/s.
    // s2: 1 of 10 devices; 7 500 000 B * 8 / 60 s = 1 000 000 b/s of 2 Mb/s.
    // s3: in the inventory, never seen.
    expect(overview().servers).toEqual([
      {
        server: 's1',
        name: 'Lisboa 1',
        region: 'eu-west',
        inInventory: true,
        connectedDevices: 2,
        maxConnections: 4,
        connectionUtilisation: 0.5,
        throughputBps: 500_000,
        capacityMbps: 1,
        throughputUtilisation: 0.5,
      },
      {
        server: 's2',
        name: null,
        region: null,
        inInventory: false,
        connectedDevices: 1,
        maxConnections: 10,
        connectionUtilisation: 0.1,
        throughputBps: 1_000_000,
        capacityMbps: 2,
        throughputUtilisation: 0.5,
      },
      {
        server: 's3',
        name: 'Porto',
        region: 'eu-west',
        inInventory: true,
        connectedDevices: 0,
        maxConnections: 100,
        connectionUtilisation: 0,
        throughputBps: 0,
        capacityMbps: 1000,
        throughputUtilisation: 0,
      },
    ])
  })
})

describe('as of a past T', () => {
  it('gives the answer for T even when later events exist', () => {
    ingest([
      connect(T - 20 * SEC, 'd1', { device_type: 'computer', plan_mbps: 100 }),
      connect(T - 8 * MIN, 'd2', { plan_mbps: 20 }),
      usage(T - 5 * SEC, 'd1', 10_000, 0),
      flow(T - 5 * SEC, 'd1', 'd2', 6000),
    ])
    const before = overview()
    // At T: d1 and d2 connected; 10 000 B * 8 / 10 s = 8000 b/s; d1 -> d2 6000 * 8 / 60 = 800 b/s.
    expect(before.connections.connectedDevices).toBe(2)
    expect(before.throughput.totalBps).toBe(8000)
    expect(before.topPairs).toEqual([{ device: 'd1', peer: 'd2', bps: 800 }])
    expect(before.heavyClients.planClasses).toEqual({ low: 1, medium: 1, high: 0, unknown: 0 })

    ingest([
      connect(T + 500, 'd1', { device_type: 'mobile', plan_mbps: 500 }), // within T's second, after T
      usage(T + SEC, 'd1', 1_000_000, 0),
      flow(T + SEC, 'd2', 'd1', 600_000),
      connect(T + 2 * SEC, 'd3', { plan_mbps: 1000 }),
      disconnect(T + 5 * SEC, 'd1'),
      disconnect(T + 5 * SEC, 'd2'),
    ])
    // Every figure at T stays; only where gold's data ends has moved on.
    const atT = ({ newestAt: _, ...figures }: Overview) => figures
    expect(atT(overview())).toEqual(atT(before))
    expect(before.newestAt).toBe(T - 5 * SEC)
    expect(overview().newestAt).toBe(T + 5 * SEC)
    // T + 999 ms is refused, not answered at T: the events of (T, T + 999] would be missed.
    expect(() => overview(T + 999)).toThrow(
      `T ${T + 999} (${new Date(T + 999).toISOString()}): Vigia answers at whole seconds; ask ${T} (`,
    )

    // Ten seconds later the new events do count: only d3 is connected, and 1 000 000 B * 8 / 10 s.
    const later = overview(T + 10 * SEC)
    expect(later.connections.connectedDevices).toBe(1)
    expect(later.throughput.totalBps).toBe(800_000)
  })
})
