// Test helper: a small random network whose events arrive out of order, with many ties in time (every ts
// is a multiple of 250 ms), so gold's state in event time can be compared with what silver says at T.
import { expect } from 'vitest'
import { Engine } from '../../engine'
import { tempDir } from '../../testing/temp-db'
import { DEVICE_TYPES } from '../../../shared/events'

/** A repeatable pseudo-random source (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface NetworkShape {
  seed: number
  /** Epoch ms of the first possible event, a whole minute. */
  start: number
  minutes: number
  events: number
  devices: number
  clients: number
  servers: number
  /**
   * Client and server names in pairs that share a prefix and end in U+FF01 and U+1F600, which SQLite (by
   * UTF-8 bytes) and JavaScript's < (by UTF-16 units) order apart.
   */
  unicodeNames?: boolean
  /**
   * Each device reports to a server of its own, except one in ten that roams (any server, event by event),
   * and names another client once in a hundred events: many clients then use a single server in a window,
   * as in a real network. By default every event picks any server, and another client once in ten.
   */
  homeServers?: boolean
}

/** Plans exactly representable in binary, so sums do not depend on their order. */
const PLANS = [undefined, 5, 20, 20.5, 100, 100.25, 101, 300]

export function randomEvents(shape: NetworkShape): Record<string, unknown>[] {
  const next = random(shape.seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!
  const int = (n: number) => Math.floor(next() * n)
  const name = (prefix: string, n: number) =>
    shape.unicodeNames ? `${prefix}${n >> 1}${n & 1 ? '\uff01' : '\u{1F600}'}` : `${prefix}${n}`
  const anyServer = () => name('s', 1 + int(shape.servers))
  const server = (d: number) =>
    shape.homeServers && d % 10 !== 9 ? name('s', 1 + (d % shape.servers)) : anyServer()
  const ownClient = shape.homeServers ? 0.99 : 0.9
  const events: Record<string, unknown>[] = []
  for (let i = 0; i < shape.events; i++) {
    const d = int(shape.devices)
    const device = `d${d}`
    // Mostly the device's own client; sometimes another, so a device can change client.
    const client = name('c', next() < ownClient ? d % shape.clients : int(shape.clients))
    // One device in four changes status ten times less often, and is silent 7 minutes in every 14: it stays
    // connected long after its connect, then goes idle and comes back without a new connect.
    const steady = d % 4 === 0
    let offset = 250 * int((shape.minutes * 60_000) / 250)
    if (steady) offset -= offset % (14 * 60_000) >= 7 * 60_000 ? 7 * 60_000 : 0
    const base = { id: `e${i}`, ts: shape.start + offset, device, server: server(d) }
    const kind = steady && next() < 0.9 ? 0.25 + 0.75 * next() : next()
    if (kind < 0.15) {
      events.push({
        ...base,
        type: 'connect',
        client,
        ...(next() < 0.8 ? { plan_mbps: pick(PLANS) } : {}),
        ...(next() < 0.8 ? { device_type: pick(DEVICE_TYPES) } : {}),
      })
    } else if (kind < 0.25) {
      events.push({ ...base, type: 'disconnect', ...(next() < 0.5 ? { client } : {}) })
    } else if (kind < 0.85) {
      const zero = next() < 0.05
      events.push({
        ...base,
        type: 'usage',
        client,
        bytes_down: zero ? 0 : int(40_000_000),
        bytes_up: zero ? 0 : int(4_000_000),
      })
    } else {
      events.push({ ...base, type: 'flow', peer: `d${int(shape.devices)}`, bytes: int(1_000_000) })
    }
  }
  return events
}

/**
 * A live feed's order: events in time order, each moved up to `jitter` places, and one in `every` held back
 * `heldBack` places more (a late report).
 */
export function lateFeed(
  events: Record<string, unknown>[],
  { seed, jitter, every, heldBack }: { seed: number; jitter: number; every: number; heldBack: number },
) {
  const next = random(seed)
  return [...events]
    .sort((a, b) => (a.ts as number) - (b.ts as number))
    .map((e, i) => ({ e, k: i + next() * jitter + (i % every === 0 ? heldBack : 0) }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.e)
}

/** Ingests the events shuffled, in frames of `frameEvents`, and checks every one was accepted. */
export function ingestShuffled(
  engine: Engine,
  events: Record<string, unknown>[],
  seed: number,
  frameEvents = 97,
) {
  const next = random(seed)
  const shuffled = [...events]
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1))
    ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
  }
  for (let i = 0; i < shuffled.length; i += frameEvents)
    ingestFrame(engine, shuffled.slice(i, i + frameEvents))
}

/**
 * An engine on a database file of its own that ingested the network's events shuffled (with `shuffleSeed`);
 * `remove` closes it and deletes the file.
 */
export function engineOnRandomNetwork(
  shape: NetworkShape,
  shuffleSeed: number,
): { engine: Engine; remove: () => void } {
  const temp = tempDir()
  const engine = Engine.open(temp.path('vigia.db'))
  ingestShuffled(engine, randomEvents(shape), shuffleSeed)
  return {
    engine,
    remove: () => {
      engine.close()
      temp.remove()
    },
  }
}

/** Ingests the events as one frame, and checks every one was accepted. */
export function ingestFrame(engine: Engine, events: Record<string, unknown>[]) {
  const [result] = engine.ingestFrames([
    {
      source: 'test',
      seq: null,
      receivedAt: Date.now(),
      bytes: Buffer.from(events.map((e) => JSON.stringify(e)).join('\n')),
    },
  ])
  expect(result!.rejects).toEqual([])
  expect(result!.accepted).toBe(events.length)
}

/** What `read` answers with the live state hidden (rolled back after): the queries that work for any T. */
export function withoutLiveState<R>(engine: Engine, read: () => R): R {
  engine.db.exec('SAVEPOINT hide; DELETE FROM gold_live')
  try {
    return read()
  } finally {
    engine.db.exec('ROLLBACK TO hide; RELEASE hide')
  }
}

/** Events mostly in time order, as a live feed sends them: each moved up to `jitter` places. */
export function nearlyInOrder(events: Record<string, unknown>[], seed: number, jitter: number) {
  const next = random(seed)
  return [...events]
    .sort((a, b) => (a.ts as number) - (b.ts as number))
    .map((e, i) => ({ e, k: i + next() * jitter }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.e)
}
