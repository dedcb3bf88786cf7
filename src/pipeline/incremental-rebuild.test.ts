import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { Engine } from './engine'
import { goldTableNames } from './gold/tables'
import { overviewQuery } from './metrics/overview'
import { sortedRows, split, tablesLike } from './testing/batches'
import { frame, tempDir } from './testing/temp-db'

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0)
const RECEIVED = T0 + 3600_000

const arbEvent = fc.oneof(
  fc.record({
    id: fc.integer({ min: 0, max: 60 }).map((n) => `e${n}`),
    ts: fc.integer({ min: 0, max: 1_200_000 }).map((d) => T0 + d),
    type: fc.constant('connect'),
    server: fc.constantFrom('s1', 's2', 's3'),
    device: fc.constantFrom('d1', 'd2', 'd3', 'd4', 'd5'),
    client: fc.constantFrom('c1', 'c2', 'c3'),
    plan_mbps: fc.constantFrom(10, 20, 21, 100, 101, 500),
    device_type: fc.constantFrom('mobile', 'computer', 'tv'),
  }),
  fc.record({
    id: fc.integer({ min: 0, max: 60 }).map((n) => `e${n}`),
    ts: fc.integer({ min: 0, max: 1_200_000 }).map((d) => T0 + d),
    type: fc.constant('disconnect'),
    server: fc.constantFrom('s1', 's2', 's3'),
    device: fc.constantFrom('d1', 'd2', 'd3', 'd4', 'd5'),
  }),
  fc.record({
    id: fc.integer({ min: 0, max: 60 }).map((n) => `e${n}`),
    ts: fc.integer({ min: 0, max: 1_200_000 }).map((d) => T0 + d),
    type: fc.constant('usage'),
    server: fc.constantFrom('s1', 's2', 's3'),
    device: fc.constantFrom('d1', 'd2', 'd3', 'd4', 'd5'),
    client: fc.constantFrom('c1', 'c2', 'c3'),
    bytes_down: fc.integer({ min: 0, max: 5e9 }),
    bytes_up: fc.integer({ min: -2, max: 1e8 }),
  }),
  fc.record({
    id: fc.integer({ min: 0, max: 60 }).map((n) => `e${n}`),
    ts: fc.integer({ min: 0, max: 1_200_000 }).map((d) => T0 + d),
    type: fc.constant('flow'),
    device: fc.constantFrom('d1', 'd2', 'd3'),
    peer: fc.constantFrom('d3', 'd4', 'd5'),
    bytes: fc.integer({ min: 0, max: 1e9 }),
  }),
  fc.constantFrom('not json', '{"id":"x"}', '[]'),
)

function dump(engine: Engine) {
  const tables = [...goldTableNames(), ...tablesLike(engine.db, 'silver_%')].sort()
  return Object.fromEntries(tables.map((name) => [name, sortedRows(engine.db, `SELECT * FROM ${name}`)]))
}

describe('incremental processing and rebuild', () => {
  const dirs: ReturnType<typeof tempDir>[] = []
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()))

  it('gives the same silver, gold and metrics for any batch split, and after a rebuild', () => {
    let run = 0
    fc.assert(
      fc.property(
        fc.array(arbEvent, { minLength: 1, maxLength: 80 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, frameCuts, flushCuts) => {
          const dir = tempDir()
          dirs.push(dir)
          run++
          // Frames of several events (NDJSON), landed in several flushes.
          const frames = split(events, frameCuts).map((batch) =>
            frame(
              batch.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n'),
              null,
              RECEIVED,
            ),
          )
          const incremental = Engine.open(dir.path(`a${run}.db`))
          for (const flush of split(frames, flushCuts)) incremental.ingestFrames(flush)

          const oneBatch = Engine.open(dir.path(`b${run}.db`))
          oneBatch.ingestFrames(frames)

          const settings = incremental.settings.get()
          const same = () => {
            expect(dump(incremental)).toEqual(dump(oneBatch))
            for (const at of [T0 + 300_000, T0 + 600_000, T0 + 1_200_000]) {
              expect(overviewQuery(incremental.db)(at, settings)).toEqual(
                overviewQuery(oneBatch.db)(at, settings),
              )
            }
          }
          try {
            same()
            incremental.rebuild()
            same()
          } finally {
            incremental.close()
            oneBatch.close()
          }
        },
      ),
      { numRuns: 40 },
    )
  })
})
