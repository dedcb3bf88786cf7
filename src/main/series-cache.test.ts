// The live charts' series cache (shared/series-cache.ts, the renderer's) against the real series query on a
// real engine: as a live range moves and events arrive, late ones included, every answer equals the whole
// range asked afresh, while the host is asked only for the new points and the ones a commit changed.
import { describe, expect, it } from 'vitest'
import { seriesQuery } from '../pipeline/metrics/series'
import { frame } from '../pipeline/testing/temp-db'
import { useTempEngine } from '../pipeline/testing/temp-engine'
import { SeriesCache } from '../shared/series-cache'
import type { Changed } from '../shared/event-span'

// Whole minutes in the past: events more than 5 minutes ahead of the clock are refused.
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000
const WINDOW = 15 * 60_000

describe('a live chart asking only what is new', () => {
  const temp = useTempEngine()

  it('equals the whole range asked afresh at every second, and asks a point per second when nothing comes in', async () => {
    const { engine } = temp
    const query = seriesQuery(engine.db)
    const asked: { from: number; to: number }[] = []
    const cache = new SeriesCache(async (from, to, stepMs) => {
      asked.push({ from, to })
      return query(from, to, undefined, stepMs)
    })
    let n = 0
    const ingest = (events: object[]): Changed => {
      const results = engine.ingestFrames(events.map((e) => frame(e)))
      expect(results.map((r) => [r.accepted, r.rejects])).toEqual(events.map(() => [1, []]))
      return engine.takeFoldedSpan()
    }
    const usage = (ts: number, server: string, durationMs: number) => ({
      id: `u${n++}`,
      ts,
      type: 'usage',
      server,
      device: `d${n % 7}`,
      client: `c${n % 3}`,
      bytes_down: 1000 + n,
      bytes_up: 10 * n,
      duration_ms: durationMs,
    })
    ingest([
      {
        id: 'c1',
        ts: T0 - 60_000,
        type: 'connect',
        server: 'ap-1',
        device: 'd1',
        client: 'c',
        plan_mbps: 100,
      },
      usage(T0 - 30_000, 'ap-1', 20_000),
    ])

    for (let s = 1; s <= 90; s++) {
      const now = T0 + s * 1000
      // Most seconds bring events; some none; some a late sample of a minute ago; one a new server.
      if (s % 5 !== 0) cache.noteChanged(ingest([usage(now - 500, s < 60 ? 'ap-1' : 'ap-2', 4000)]))
      if (s % 17 === 0) cache.noteChanged(ingest([usage(now - 70_000, 'ap-3', 30_000)]))
      if (s % 23 === 0) {
        const disconnect = {
          id: `x${s}`,
          ts: now - 2000,
          type: 'disconnect',
          server: 'ap-1',
          device: 'd1',
          client: 'c',
        }
        cache.noteChanged(ingest([disconnect]))
      }
      asked.length = 0
      const got = await cache.get(now - WINDOW, now)
      expect(got).toEqual(query(now - WINDOW, now))
      if (s > 1 && s % 5 === 0 && s % 17 !== 0 && s % 23 !== 0) {
        // Nothing came in: the one new point only.
        expect(asked).toEqual([{ from: now - 1000, to: now }])
      }
    }
  })

  it('asks the whole range again when anything may have changed, or when the range is another', async () => {
    const { engine } = temp
    const query = seriesQuery(engine.db)
    const asked: number[] = []
    const cache = new SeriesCache(async (from, to, stepMs) => {
      asked.push(to - from)
      return query(from, to, undefined, stepMs)
    })
    const now = T0 + 5000
    await cache.get(now - WINDOW, now)
    await cache.get(now - WINDOW + 1000, now + 1000)
    cache.noteChanged(undefined)
    await cache.get(now - WINDOW + 2000, now + 2000)
    // A past range of an hour: per minute.
    expect(await cache.get(T0 - 3600_000, T0)).toEqual(query(T0 - 3600_000, T0))
    expect(asked).toEqual([WINDOW, 1000, WINDOW, 3600_000])
  })
})
