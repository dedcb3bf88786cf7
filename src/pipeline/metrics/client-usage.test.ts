// Usage per client over 5 minutes read from whole minutes and the seconds at the edges must be exactly the
// sum of the seconds, whatever T: on a minute boundary or not, at the newest event or before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Engine } from '../engine'
import { clientUsageQuery, newestSecondQuery, windowParts } from './client-usage'
import { engineOnRandomNetwork } from './testing/random-network'

describe('windowParts', () => {
  // Minute m holds the seconds (m - 1) * 60 < sec <= m * 60.
  const M = 1000 // a minute number; its seconds are 59 941 .. 60 000
  const S = M * 60

  it('reads a window of whole minutes from the minutes alone', () => {
    expect(windowParts(S - 300, S, S)).toEqual({
      minutes: { from: M - 5, to: M },
      seconds: [
        { sign: 1, from: 0, to: 0 },
        { sign: 1, from: 0, to: 0 },
      ],
    })
  })

  it('adds the seconds of a partial minute when they are fewer than those it leaves out', () => {
    // (S - 290, S + 10]: the first minute keeps 50 of its seconds, so its 10 others are taken away; the
    // last minute keeps 10, added as seconds.
    expect(windowParts(S - 290, S + 10, S + 60)).toEqual({
      minutes: { from: M - 5, to: M },
      seconds: [
        { sign: -1, from: S - 300, to: S - 290 },
        { sign: 1, from: S, to: S + 10 },
      ],
    })
    // (S - 250, S + 50]: the other way round.
    expect(windowParts(S - 250, S + 50, S + 60)).toEqual({
      minutes: { from: M - 4, to: M + 1 },
      seconds: [
        { sign: 1, from: S - 250, to: S - 240 },
        { sign: -1, from: S + 50, to: S + 60 },
      ],
    })
  })

  it('reads the minute still being filled whole: no second after the newest event holds data', () => {
    // T = S + 10 is the newest second: the last minute less (S + 10, S + 10] costs nothing.
    expect(windowParts(S - 290, S + 10, S + 10)).toEqual({
      minutes: { from: M - 5, to: M + 1 },
      seconds: [
        { sign: -1, from: S - 300, to: S - 290 },
        { sign: -1, from: S + 10, to: S + 10 },
      ],
    })
    // With events one second after T, that second alone is taken away.
    expect(windowParts(S - 290, S + 10, S + 11).seconds[1]).toEqual({ sign: -1, from: S + 10, to: S + 11 })
  })

  it('reads a window inside one minute as its seconds, or as the minute less both sides', () => {
    expect(windowParts(S + 10, S + 20, S + 60)).toEqual({
      minutes: { from: 0, to: 0 },
      seconds: [
        { sign: 1, from: S + 10, to: S + 20 },
        { sign: 1, from: 0, to: 0 },
      ],
    })
    expect(windowParts(S + 2, S + 58, S + 60)).toEqual({
      minutes: { from: M, to: M + 1 },
      seconds: [
        { sign: -1, from: S, to: S + 2 },
        { sign: -1, from: S + 58, to: S + 60 },
      ],
    })
  })

  it('reads seconds only when gold holds no event', () => {
    expect(windowParts(S - 290, S + 10, null)).toEqual({
      minutes: { from: M - 4, to: M },
      seconds: [
        { sign: 1, from: S - 290, to: S - 240 },
        { sign: 1, from: S, to: S + 10 },
      ],
    })
  })
})

describe('client usage over a window', () => {
  const START = Date.UTC(2024, 5, 1, 12, 0, 0)
  let network: ReturnType<typeof engineOnRandomNetwork>
  let engine: Engine

  beforeAll(() => {
    const shape = { seed: 11, start: START, minutes: 12, events: 5000, devices: 50, clients: 15, servers: 3 }
    network = engineOnRandomNetwork(shape, 110)
    engine = network.engine
  })

  afterAll(() => network.remove())

  // The seconds alone, not the minutes' totals; clients without bytes left out.
  const fromSeconds = (sec: number) =>
    engine.db
      .prepare<[number, number], { client: string; server: string; bytes: number }>(
        `WITH r(a, b) AS (SELECT ?, ?)
         SELECT client, server, sum(usage_parts_sum(parts, minute, r.a, r.b)) AS bytes
         FROM r, gold_client_usage_parts GROUP BY client, server
         HAVING sum(usage_parts_sum(parts, minute, r.a, r.b)) > 0`,
      )
      .all(sec - 300, sec)
  const perClient = (rows: { client: string; bytes: number }[]) => {
    const sums = new Map<string, number>()
    for (const r of rows) sums.set(r.client, (sums.get(r.client) ?? 0) + r.bytes)
    return sums
  }

  /**
   * On minute boundaries and off them, on both sides of the half minute, and around the newest event: within
   * the few seconds where the live state's window answers, and just outside them.
   */
  function seconds(): number[] {
    const newest = newestSecondQuery(engine.db)()!
    const start = START / 1000
    const offsets = [0, 1, 29, 30, 31, 59]
    const secs = [5, 7, 10, 12].flatMap((minute) => offsets.map((o) => start + minute * 60 + o))
    const nearNewest = [-61, -6, -5, -3, -1, 0, 1, 3, 5, 6, 299, 300].map((d) => newest + d)
    return [...secs, ...nearNewest]
  }

  it('is the seconds sum per client and server, for every client or for a few named', () => {
    const usage = clientUsageQuery(engine.db)
    for (const sec of seconds()) {
      const expected = fromSeconds(sec)
      const sort = (rows: { client: string; server: string; bytes: number }[]) =>
        rows.map((r) => [r.client, r.server, r.bytes]).sort()
      expect(sort(usage.perClientServer(sec, 300)), `at second ${sec}`).toEqual(sort(expected))
      const few = [...new Set(expected.map((r) => r.client))].filter((_, i) => i % 3 === 0)
      const named = expected.filter((r) => few.includes(r.client))
      expect(sort(usage.perServerOf(sec, 300, few)), `named, at second ${sec}`).toEqual(sort(named))
    }
  })

  it('finds the clients at or above a rate, whichever way their bounds fall', () => {
    const usage = clientUsageQuery(engine.db)
    for (const sec of seconds()) {
      const rates = [...perClient(fromSeconds(sec)).values()].map((b) => (b * 8) / 300).sort((a, b) => a - b)
      // Thresholds at clients' own rates (exactly at one is at or above it), between them, and above all.
      for (const bps of [rates[0] ?? 1, rates[Math.floor(rates.length / 2)] ?? 1, (rates.at(-1) ?? 0) + 1]) {
        const expected = [...perClient(fromSeconds(sec))]
          .filter(([, bytes]) => (bytes * 8) / 300 >= bps)
          .map(([client]) => client)
          .sort()
        expect(usage.atLeast(sec, 300, bps).sort(), `at second ${sec}, ${bps} b/s`).toEqual(expected)
      }
    }
  })
})
