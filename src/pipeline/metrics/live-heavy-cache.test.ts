// The heavy-client counts after gold's newest second, kept between calls (LiveHeavyCache), equal the counts
// in SQL at every second a page left open asks, and after new events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { idleMsOf } from './connected-devices'
import { heavyClientsMetric } from './heavy-clients'
import { liveNewestSecondQuery } from './live'
import { ingestShuffled, randomEvents } from './testing/random-network'
import { tempDir } from '../testing/temp-db'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

let temp: ReturnType<typeof tempDir>
beforeEach(() => (temp = tempDir()))
afterEach(() => temp.remove())

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

      const compare = (n: number, seconds: number[]) => {
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
      }
      const n = anchor()
      // A page open on a stopped feed: one second after another, past whole minutes and the window's end;
      // then jumps, and back to earlier seconds.
      const everySecond = Array.from({ length: 330 }, (_, i) => i + 1)
      compare(n, [...everySecond, 61, 5, 400, 119, 120, 121, 2])
      // A page's trends: every second now, and every ten seconds the same figures a minute back.
      compare(
        n,
        everySecond.flatMap((s) => (s % 10 === 0 ? [s, s - 65] : [s])),
      )

      // New events move N and change the clients: the kept rows are read again.
      const more = network(52, START + 6 * 60_000).map((e) => ({ ...e, id: `more-${e.id as string}` }))
      ingestShuffled(engine, more, 4)
      expect(anchor()).toBeGreaterThan(n)
      compare(anchor(), [1, 2, 3, 59, 60, 61, 200, 301])
    } finally {
      engine.close()
    }
  })
})
