// Per-second rows kept between calls (SecondsWindow): the overview of a page left open equals the overview
// asked afresh at every second, back and forth, and after new events; and a call reads only the seconds its
// window gained.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Engine } from '../engine'
import { DEFAULT_SETTINGS, type PipelineSettings } from '../../shared/settings'
import { liveNewestSecondQuery } from './live'
import { overviewQuery } from './overview'
import { QUIET_MS, SecondsWindow } from './seconds-window'
import { snapshotKeyQuery } from './snapshot-key'
import { ingestShuffled, randomEvents } from './testing/random-network'
import { tempDir } from '../testing/temp-db'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

let temp: ReturnType<typeof tempDir>
beforeEach(() => {
  temp = tempDir()
  vi.useFakeTimers({ toFake: ['Date'] })
})
afterEach(() => {
  vi.useRealTimers()
  temp.remove()
})

/** Nothing committed for QUIET_MS: the windows keep rows from their next call on. */
const quiet = () => vi.setSystemTime(Date.now() + QUIET_MS)

// Few devices, so that a pair sends several flows within a minute.
const network = (seed: number, start: number) =>
  randomEvents({
    seed,
    start,
    minutes: 20,
    events: 5000,
    devices: 24,
    clients: 10,
    servers: 4,
    unicodeNames: true,
  })

describe('per-second rows kept between calls', () => {
  it('give the overview a fresh query gives, second after second, back and forth, and after new events', () => {
    const engine = Engine.open(temp.path('a.db'))
    try {
      ingestShuffled(engine, network(61, START), 5)
      const settings = (idleTimeoutMin: number | null): PipelineSettings => ({
        ...DEFAULT_SETTINGS,
        idleTimeoutMin,
      })
      const compare = (n: number, offsets: number[], kinds: number) => {
        for (const idle of [null, 1, 5]) {
          const kept = overviewQuery(engine.db)
          const pairsSeen = new Set<string>()
          for (const [i, s] of offsets.entries()) {
            // A feed that just committed (the first calls), then a quiet one.
            if (i === 3) quiet()
            const at = (n + s) * 1000
            const got = kept(at, settings(idle), true)
            expect(got, `N + ${s} s, idle ${idle}`).toEqual(
              overviewQuery(engine.db)(at, settings(idle), true),
            )
            pairsSeen.add(JSON.stringify(got.topPairs))
          }
          // The windows move over seconds with data: the answers are not the same all along.
          expect(pairsSeen.size).toBeGreaterThanOrEqual(kinds)
        }
      }
      const anchor = () => liveNewestSecondQuery(engine.db)()!
      const n = anchor()
      const everySecond = Array.from({ length: 100 }, (_, i) => i - 30)
      compare(n, [...everySecond, 120, 61, 5, 400, -300, -299, -900, 2], 20)

      // New events change the snapshot: what was kept is read again.
      const more = network(62, START + 10 * 60_000).map((e) => ({ ...e, id: `more-${e.id as string}` }))
      ingestShuffled(engine, more, 6)
      expect(anchor()).toBeGreaterThan(n)
      compare(anchor(), [-2, -1, 0, 1, 2, 3, 59, 60, 61, 200, 301, -601, -600], 5)
    } finally {
      engine.close()
    }
  })

  it('read only the seconds a window gained while the snapshot stays the same', () => {
    const engine = Engine.open(temp.path('b.db'))
    try {
      ingestShuffled(engine, network(63, START), 7)
      const reads: string[] = []
      const rows = engine.db.prepare<[number, number], { sec: number; server: string }>(
        'SELECT sec, server FROM gold_conn_second WHERE sec > ? AND sec <= ?',
      )
      const window = new SecondsWindow(snapshotKeyQuery(engine.db), (from, to) => {
        reads.push(`${from}..${to}`)
        return rows.all(from, to).map((r) => [r.sec, r.server] as const)
      })
      const n = anchor(engine)
      const direct = (from: number, to: number) =>
        new Map(
          [...new Set(rows.all(from, to).map((r) => r.sec))].map((sec) => [
            sec,
            rows.all(sec - 1, sec).map((r) => r.server),
          ]),
        )
      const asked = (from: number, to: number) => {
        const got = window.rows(from, to)
        if (got) expect(new Map([...got].map(([s, r]) => [s, [...r]]))).toEqual(direct(from, to))
        return got
      }
      expect(asked(n - 300, n)).toBeNull()
      expect(asked(n - 300, n)).toBeNull()
      quiet()
      expect(asked(n - 300, n)).not.toBeNull()
      asked(n - 299, n + 1)
      asked(n - 350, n - 50)
      asked(n + 100, n + 400)
      expect(reads).toEqual([
        `${n - 300}..${n}`,
        `${n}..${n + 1}`,
        `${n - 350}..${n - 299}`,
        `${n + 100}..${n + 400}`,
      ])
      const later = network(64, START + 25 * 60_000).map((e) => ({ ...e, id: `later-${e.id as string}` }))
      ingestShuffled(engine, later, 8)
      expect(asked(n + 100, n + 400)).toBeNull()
      quiet()
      reads.length = 0
      expect(asked(n + 100, n + 400)).not.toBeNull()
      expect(reads).toEqual([`${n + 100}..${n + 400}`])
    } finally {
      engine.close()
    }
  })
})

const anchor = (engine: Engine) => liveNewestSecondQuery(engine.db)()!
