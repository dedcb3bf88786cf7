// The traffic generator: devices connect, report usage, exchange flows and disconnect over simulated time.
//
// The clock is the record count: record i happens at start + i / rate seconds, so a file of N records spans
// exactly N / rate seconds and is the same bytes on every run. Devices are scheduled on that clock; the
// usage interval is calibrated so their reports fill about 90 % of the rate, and device-to-device flows
// fill the slots in which no device is due.
import { corrupt } from './bad-records'
import { DueQueue } from './due-queue'
import { DEVICE_PROFILES, BURST_SIGMA, FLOW_BYTES, onlineShare, SESSION_SIGMA } from './profiles'
import { Rng } from './random'
import type { SimEvent, SimRecord } from './records'
import { buildInventory, type DeviceInfo, type Inventory } from './topology'

export interface SimulationOptions {
  seed: number
  /** Access servers (default 12). */
  servers?: number
  /** Customer devices (default 20,000). */
  devices?: number
  /** Records per simulated second (default 2,000). */
  rate?: number
  /** Simulated time of the first record, epoch ms (default DEFAULT_START). */
  start?: number
  /** Share of records made bad on purpose, 0 to 1 (default 0). */
  badShare?: number
  /** Live runs stamp each event with this clock (e.g. Date.now) instead of the simulated time. */
  clock?: () => number
  /** Prefix of every event id; the default names the seed and start, so runs never collide by accident. */
  idPrefix?: string
}

export interface Simulation {
  readonly inventory: Inventory
  /** Median time between two usage reports of one device, in ms. */
  readonly reportIntervalMs: number
  /** Simulated time of the next record. */
  readonly now: number
  /** Records produced so far. */
  readonly produced: number
  next(): SimRecord
  take(count: number): SimRecord[]
  /** The records of the next `durationMs` of simulated time. */
  takeFor(durationMs: number): SimRecord[]
  [Symbol.iterator](): Iterator<SimRecord>
}

/** A fixed default start keeps datasets identical across runs: 2025-03-03T12:00:00Z, a Monday noon. */
export const DEFAULT_START = Date.UTC(2025, 2, 3, 12)
export const DEFAULTS = { servers: 12, devices: 20_000, rate: 2_000, badShare: 0 } as const

// Share of the rate that usage reports are calibrated to; flows fill the rest.
const USAGE_SHARE = 0.9
const MIN_INTERVAL_MS = 1_000
const MAX_INTERVAL_MS = 60_000
const INTERVAL_JITTER = 0.25
const MIN_ONLINE_FOR_FLOWS = 16
// Bytes per ms at 1 Mb/s: 10^6 bit/s = 125,000 B/s.
const BYTES_PER_MS_PER_MBPS = 125

// What each device does next; one pending action per device.
const CONNECT = 0
const USAGE = 1
const DISCONNECT = 2

export function createSimulation(options: SimulationOptions): Simulation {
  const servers = options.servers ?? DEFAULTS.servers
  const deviceCount = options.devices ?? DEFAULTS.devices
  const rate = options.rate ?? DEFAULTS.rate
  const start = options.start ?? DEFAULT_START
  const badShare = options.badShare ?? DEFAULTS.badShare
  if (!(rate > 0) || !Number.isFinite(rate))
    throw new RangeError(`rate must be a positive number, got ${rate}`)
  if (!(badShare >= 0 && badShare <= 1)) throw new RangeError(`badShare must be from 0 to 1, got ${badShare}`)
  if (!Number.isSafeInteger(start)) throw new RangeError(`start must be epoch milliseconds, got ${start}`)

  const inventory = buildInventory(servers, deviceCount, Rng.stream(options.seed, 'topology'))
  const rng = Rng.stream(options.seed, 'traffic')
  const faults = Rng.stream(options.seed, 'corruption')
  const devices = inventory.devices
  const idPrefix = options.idPrefix ?? `s${options.seed}-${start.toString(36)}-`

  const expectedOnline = devices.reduce((sum, d) => sum + onlineShare(DEVICE_PROFILES[d.type]), 0)
  const reportIntervalMs = Math.min(
    MAX_INTERVAL_MS,
    Math.max(MIN_INTERVAL_MS, (expectedOnline * 1000) / (USAGE_SHARE * rate)),
  )

  const queue = new DueQueue(deviceCount)
  const next = new Uint8Array(deviceCount)
  const lastReport = new Float64Array(deviceCount)
  const sessionEnd = new Float64Array(deviceCount)
  // Online devices in a dense list (swap-remove), so a flow picks a random one in O(1).
  const online = new Int32Array(deviceCount)
  const onlineAt = new Int32Array(deviceCount).fill(-1)
  let onlineCount = 0
  let produced = 0
  const minOnlineForFlows = Math.max(2, Math.min(MIN_ONLINE_FOR_FLOWS, Math.ceil(deviceCount / 20)))

  const sessionLength = (d: DeviceInfo) =>
    rng.logNormal(DEVICE_PROFILES[d.type].sessionMedianMs, SESSION_SIGMA)
  const gapLength = (d: DeviceInfo) => rng.logNormal(DEVICE_PROFILES[d.type].gapMedianMs, SESSION_SIGMA)
  const reportGap = () => reportIntervalMs * rng.between(1 - INTERVAL_JITTER, 1 + INTERVAL_JITTER)

  // Start in the steady state: online devices come up within the first interval (their sessions already
  // partly over), the others at some point of their current gap.
  // Until a device connects, sessionEnd holds the rest of a session already under way (or -1).
  for (const d of devices) {
    next[d.index] = CONNECT
    if (rng.chance(onlineShare(DEVICE_PROFILES[d.type]))) {
      sessionEnd[d.index] = sessionLength(d) * rng.float()
      queue.push(d.index, start + rng.float() * reportIntervalMs)
    } else {
      sessionEnd[d.index] = -1
      queue.push(d.index, start + gapLength(d) * rng.float())
    }
  }

  /** After a connect or a report: the next report, or the end of the session if that comes first. */
  function scheduleWhileOnline(i: number, now: number): void {
    const report = now + reportGap()
    const end = sessionEnd[i] as number
    next[i] = report < end ? USAGE : DISCONNECT
    queue.push(i, Math.min(report, end))
  }

  function act(i: number, now: number, id: string, ts: number): SimEvent {
    const d = devices[i] as DeviceInfo
    switch (next[i]) {
      case CONNECT: {
        // A session planned at start-up ran partly before the simulation; the others start now.
        const planned = sessionEnd[i] as number
        sessionEnd[i] = now + (planned > 0 ? planned : sessionLength(d))
        lastReport[i] = now
        online[onlineCount] = i
        onlineAt[i] = onlineCount++
        scheduleWhileOnline(i, now)
        return {
          id,
          ts,
          type: 'connect',
          server: d.server,
          device: d.id,
          client: d.client,
          device_type: d.type,
          plan_mbps: d.plan_mbps,
          ip: d.ip,
        }
      }
      case USAGE: {
        const durationMs = now - (lastReport[i] as number)
        lastReport[i] = now
        scheduleWhileOnline(i, now)
        const mbps = Math.min(d.plan_mbps, d.level_mbps * Math.exp(BURST_SIGMA * rng.normal()))
        const down = Math.round(mbps * BYTES_PER_MS_PER_MBPS * durationMs)
        return {
          id,
          ts,
          type: 'usage',
          server: d.server,
          device: d.id,
          client: d.client,
          bytes_down: down,
          bytes_up: Math.round(down * DEVICE_PROFILES[d.type].upShare),
          duration_ms: durationMs,
        }
      }
      default: {
        // DISCONNECT
        const slot = onlineAt[i] as number
        const moved = online[--onlineCount] as number
        online[slot] = moved
        onlineAt[moved] = slot
        onlineAt[i] = -1
        sessionEnd[i] = -1
        next[i] = CONNECT
        queue.push(i, now + gapLength(d))
        return { id, ts, type: 'disconnect', server: d.server, device: d.id, client: d.client }
      }
    }
  }

  function flow(id: string, ts: number): SimEvent {
    const a = online[rng.int(0, onlineCount - 1)] as number
    let b = online[rng.int(0, onlineCount - 2)] as number
    if (b === a) b = online[onlineCount - 1] as number
    const from = devices[a] as DeviceInfo
    return {
      id,
      ts,
      type: 'flow',
      device: from.id,
      peer: (devices[b] as DeviceInfo).id,
      bytes: Math.round(Math.min(FLOW_BYTES.max, rng.pareto(FLOW_BYTES.min, FLOW_BYTES.alpha))),
      server: from.server,
    }
  }

  const timeOf = (index: number) => start + Math.floor((index * 1000) / rate)

  function nextRecord(): SimRecord {
    const now = timeOf(produced)
    const id = idPrefix + produced
    produced++
    const ts = options.clock ? options.clock() : now
    // Flows among a handful of devices (the first milliseconds of a run) would all be between the same
    // pairs: until enough devices are online, the next device acts early instead.
    const event =
      queue.peekDue() <= now || onlineCount < minOnlineForFlows ? act(queue.pop(), now, id, ts) : flow(id, ts)
    return badShare > 0 && faults.chance(badShare) ? corrupt(event, faults) : { bad: null, value: event }
  }

  return {
    inventory,
    reportIntervalMs,
    get now() {
      return timeOf(produced)
    },
    get produced() {
      return produced
    },
    next: nextRecord,
    take(count) {
      const out: SimRecord[] = []
      for (let k = 0; k < count; k++) out.push(nextRecord())
      return out
    },
    takeFor(durationMs) {
      const end = timeOf(produced) + durationMs
      const out: SimRecord[] = []
      while (timeOf(produced) < end) out.push(nextRecord())
      return out
    },
    *[Symbol.iterator]() {
      for (;;) yield nextRecord()
    },
  }
}
