// The heavy-client counts after gold's newest second, kept between calls (LiveHeavyCache), equal the counts
// in SQL at every second a page left open asks, and after new events.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Engine } from '../engine'
import { idleMsOf } from './connected-devices'
import { heavyClientsMetric } from './heavy-clients'
import { liveNewestSecondQuery } from './live'
import { LiveHeavyCache } from './live-heavy-cache'
import { QUIET_MS } from './seconds-window'
import { ingestShuffled, randomEvents } from './testing/random-network'
import { tempDir } from '../testing/temp-db'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

let temp: ReturnType<typeof tempDir>
beforeEach(() => {
  temp = tempDir()
  // The cache keeps rows only once nothing was committed for QUIET_MS: the test moves the clock on.
  vi.useFakeTimers({ toFake: ['Date'] })
})
afterEach(() => {
  vi.useRealTimers()
  vi.restoreAllMocks()
  temp.remove()
})
const quiet = () => vi.setSystemTime(Date.now() + QUIET_MS)

/** A network whose usage samples cover up to two minutes before their time, so parts span seconds. */
function network(seed: number, start = START) {
  const shape = { seed, start, minutes: 12, events: 4000, devices: 120, clients: 40, servers: 3 }
  return randomEvents(shape).map((e, i) =>
    e.type === 'usage' && i % 4 !== 0 ? { ...e, duration_ms: (i * 7919) % 120_000 } : e,
  )
}

describe('heavy clients after the newest second', () => {
  it('are counted from the kept rows exactly as in SQL, second after second, back and forth, and after new events', () => {
    const engine = Engine.open(temp.path('a.db'))
    try {
      ingestShuffled(engine, network(51), 3)
      const cached = heavyClientsMetric(engine.db)
      const reference = heavyClientsMetric(engine.db, { liveCache: false })
      const anchor = () => liveNewestSecondQuery(engine.db)()!
      // Thresholds around the clients' rates at N, so that clients leave the heavy ones as T moves on.
      const rates = engine.db
        .prepare<[], number>('SELECT window_bytes * 8.0 / 300 FROM gold_clients WHERE window_bytes > 0')
        .pluck()
        .all()
        .sort((a, b) => a - b)
      expect(rates.length).toBeGreaterThan(20)
      const thresholdsMbps = [
        0,
        rates[Math.floor(rates.length / 4)]! / 1e6,
        rates[Math.floor(rates.length / 2)]! / 1e6,
      ]

      // What the cache answered itself (null: it left the call to SQL).
      const answers: unknown[] = []
      const counts = LiveHeavyCache.prototype.counts
      vi.spyOn(LiveHeavyCache.prototype, 'counts').mockImplementation(function (
        this: LiveHeavyCache,
        ...args
      ) {
        const answer = counts.apply(this, args)
        answers.push(answer)
        return answer
      })
      // `committed`: the snapshot is new. It is left to SQL until quiet; then the cache answers.
      const compare = (n: number, seconds: number[], committed = false) => {
        answers.length = 0
        if (committed) {
          expect(cached(n + seconds[0]!, idleMsOf(5), thresholdsMbps[1]!)).toEqual(
            reference(n + seconds[0]!, idleMsOf(5), thresholdsMbps[1]!),
          )
          expect(answers).toEqual([null])
          // Far after N the cache answers even a new snapshot (the SQL would read every second since N).
          expect(cached(n + 200, idleMsOf(5), thresholdsMbps[1]!)).toEqual(
            reference(n + 200, idleMsOf(5), thresholdsMbps[1]!),
          )
          expect(answers[1]).not.toBeNull()
          quiet()
        }
        const heavySeen = new Set<number>()
        for (const idleMin of [null, 1, 5])
          for (const mbps of thresholdsMbps)
            for (const s of seconds) {
              const idle = idleMsOf(idleMin)
              const got = cached(n + s, idle, mbps)
              expect(got, `N + ${s} s, idle ${idleMin}, ${mbps} Mb/s`).toEqual(reference(n + s, idle, mbps))
              heavySeen.add(got.heavyClients)
            }
        // The seconds asked move clients out of the window: the counts are not the same all along.
        expect(heavySeen.size).toBeGreaterThan(3)
        expect(answers.filter((a) => a !== null).length).toBeGreaterThan(seconds.length)
      }
      const n = anchor()
      // A page open on a stopped feed: one second after another, past whole minutes and the window's end;
      // then jumps, and back to earlier seconds.
      const everySecond = Array.from({ length: 330 }, (_, i) => i + 1)
      compare(n, [...everySecond, 61, 5, 400, 119, 120, 121, 2], true)
      // A page's trends: every second now, and every ten seconds the same figures a minute back.
      compare(
        n,
        everySecond.flatMap((s) => (s % 10 === 0 ? [s, s - 65] : [s])),
      )

      // New events move N and change the clients: the kept rows are read again.
      const more = network(52, START + 6 * 60_000).map((e) => ({ ...e, id: `more-${e.id as string}` }))
      ingestShuffled(engine, more, 4)
      expect(anchor()).toBeGreaterThan(n)
      compare(anchor(), [1, 2, 3, 59, 60, 61, 200, 301], true)
    } finally {
      engine.close()
    }
  })
})
