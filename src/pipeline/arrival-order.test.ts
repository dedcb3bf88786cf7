// The same events give the same silver, gold and answers whatever order they arrive in, however they are
// split into frames and flushes, and after a rebuild (docs/metrics.md, "Event time").
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from './engine'
import { decodeIds } from './gold/id-list'
import { goldTableNames } from './gold/tables'
import { overviewQuery } from './metrics/overview'
import { sortedRows, split } from './testing/batches'
import { frame, tempDir } from './testing/temp-db'

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0)
const SPAN = 1_200_000
const RECEIVED = T0 + 2 * SPAN

type Event = Record<string, unknown>

const device = fc.constantFrom('d1', 'd2', 'd3', 'd4')
const server = fc.constantFrom('s1', 's2')
const client = fc.constantFrom('c1', 'c2', 'c3')
const offset = fc.integer({ min: 0, max: SPAN })

const arbEvent: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    type: fc.constant('connect'),
    offset,
    server,
    device,
    client,
    plan_mbps: fc.constantFrom(10, 20, 21, 100, 101, 500),
    device_type: fc.option(fc.constantFrom('mobile', 'computer', 'tv'), { nil: undefined }),
  }),
  fc.record({ type: fc.constant('disconnect'), offset, server, device }),
  fc.record({
    type: fc.constant('usage'),
    offset,
    server,
    device,
    client,
    bytes_down: fc.integer({ min: 0, max: 5e9 }),
    bytes_up: fc.integer({ min: 0, max: 1e8 }),
    duration_ms: fc.option(fc.integer({ min: 0, max: 150_000 }), { nil: undefined }),
    // A sample at exactly the ts of one of its device's connects belongs to that connect.
    onConnect: fc.boolean(),
  }),
  fc.record({
    type: fc.constant('flow'),
    offset,
    device,
    peer: device,
    bytes: fc.integer({ min: 0, max: 1e9 }),
  }),
)

/**
 * Events with ids and times. Connects get times of their own: two connects at one ts (of one device, or of
 * two devices of one client) are a tie the rules settle by the order silver stored them, that is by arrival.
 */
function timed(raw: Event[]): Event[] {
  const used = new Set<number>()
  const connectTs = new Map<string, number[]>()
  const events = raw.map((e, i): Event => {
    let ts = T0 + (e.offset as number)
    if (e.type === 'connect') {
      while (used.has(ts)) ts++
      used.add(ts)
      connectTs.set(e.device as string, [...(connectTs.get(e.device as string) ?? []), ts])
    }
    const { offset: _offset, onConnect: _onConnect, ...rest } = e
    return { id: `e${i}`, ts, ...rest }
  })
  return events.map((e, i) => {
    const onConnect = raw[i]!.onConnect && connectTs.get(e.device as string)?.[0]
    return onConnect ? { ...e, ts: onConnect } : e
  })
}

/**
 * Every silver and gold table, rows sorted, without the ids that number rows in arrival order: a device's
 * usage sample ids per minute are compared as their events' ids.
 */
function dump(engine: Engine) {
  const rows = (sql: string) => sortedRows(engine.db, sql)
  // A function cannot query its own connection while the statement that calls it runs: the ids first.
  const eventIds = new Map(
    engine.db.prepare<[], [number, string]>('SELECT id, event_id FROM silver_events').raw().all(),
  )
  engine.db.function('event_ids', (ids) =>
    ids === null
      ? null
      : JSON.stringify(
          decodeIds(ids as Buffer)
            .map((id) => eventIds.get(id))
            .sort(),
        ),
  )
  const select: Record<string, string> = {
    gold_device_minutes:
      'SELECT minute, device, first_ts, last_ts, event_ids(usage_ids) FROM gold_device_minutes',
    gold_devices: `SELECT device, server, client, device_type, plan_mbps, ip, connect_ts, status, status_ts,
      first_seen, last_seen, minute_first_ts, event_ids(minute_usage_ids) FROM gold_devices`,
  }
  return {
    silver_events: rows(
      `SELECT event_id, ts, type, server, device, client, peer, device_type, plan_mbps, ip, bytes_down, bytes_up,
         bytes, duration_ms FROM silver_events`,
    ),
    ...Object.fromEntries(
      goldTableNames().map((name) => [name, rows(select[name] ?? `SELECT * FROM ${name}`)]),
    ),
  }
}

function ingest(engine: Engine, events: Event[], frameCuts: number[], flushCuts: number[]) {
  const frames = split(events, frameCuts).map((batch) =>
    frame(batch.map((e) => JSON.stringify(e)).join('\n'), null, RECEIVED),
  )
  for (const flush of split(frames, flushCuts)) engine.ingestFrames(flush)
}

describe('arrival order', () => {
  const dirs: ReturnType<typeof tempDir>[] = []
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

  it('gives the same silver, every gold table and every answer in any arrival order, and after a rebuild', () => {
    let run = 0
    fc.assert(
      fc.property(
        fc.array(arbEvent, { minLength: 1, maxLength: 70 }),
        fc.array(fc.nat(), { minLength: 70, maxLength: 70 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (raw, sortKeys, frameCuts, flushCuts) => {
          const dir = tempDir()
          dirs.push(dir)
          run++
          const events = timed(raw)
          // Some events sent twice: a copy is a duplicate whichever arrives first.
          const sent = [...events, ...events.filter((_, i) => sortKeys[i]! % 7 === 0)]
          const inTime = [...sent].sort((a, b) => (a.ts as number) - (b.ts as number))
          const shuffled = sent
            .map((e, i) => ({ e, key: sortKeys[i % sortKeys.length]! * 1000 + i }))
            .sort((a, b) => a.key - b.key)
            .map(({ e }) => e)
          // Latest first: every connect after its samples, every late event late.
          const reversed = [...inTime].reverse()

          const engines = [inTime, shuffled, reversed].map((order, i) => {
            const engine = Engine.open(dir.path(`${run}-${i}.db`))
            ingest(engine, order, frameCuts, flushCuts)
            return engine
          })
          try {
            const settings = engines[0]!.settings.get()
            const answers = (engine: Engine) =>
              [T0 + 300_000, T0 + 600_000, T0 + 601_000, T0 + SPAN, T0 + SPAN + 60_000].map((at) =>
                overviewQuery(engine.db)(at, settings),
              )
            const expected = { tables: dump(engines[0]!), answers: answers(engines[0]!) }
            for (const engine of engines.slice(1)) {
              expect({ tables: dump(engine), answers: answers(engine) }).toEqual(expected)
            }
            engines[1]!.rebuild()
            expect({ tables: dump(engines[1]!), answers: answers(engines[1]!) }).toEqual(expected)
          } finally {
            for (const engine of engines) engine.close()
          }
        },
      ),
      { numRuns: 25 },
    )
  })
})
