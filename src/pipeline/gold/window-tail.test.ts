// The window's tail read from memory must say what gold_client_usage_parts says, second range after second
// range, with rows written into the minute it holds between reads.
import { describe, expect, it } from 'vitest'
import { partsInSecondsSql } from '../db/usage-parts'
import { freshDbEachTest } from '../testing/fresh-db'
import { random } from '../metrics/testing/random-network'
import { UsageWriter, usageSums } from './usage-sums'
import { ClientWindowTail } from './window-tail'

const db = freshDbEachTest()

/** Bytes per client and server, summed, without zeros, sorted: what a window takes away. */
function summed(rows: Iterable<readonly unknown[]>): string[] {
  const sums = new Map<string, number>()
  for (const r of rows) {
    const key = `${r[0] as string}/${r[1] as string}`
    sums.set(key, (sums.get(key) ?? 0) + (r[2] as number))
  }
  return [...sums]
    .filter(([, bytes]) => bytes !== 0)
    .map(([key, bytes]) => `${key}=${bytes}`)
    .sort()
}

describe('the client window tail', () => {
  it('gives the bytes the table holds for each range of seconds, with late rows written between reads', () => {
    const next = random(7)
    const writer = new UsageWriter(db())
    /** Random bytes for random clients on random seconds in (from, to], written as the gold stage does. */
    const write = (from: number, to: number, count: number) => {
      const sums = usageSums()
      for (let i = 0; i < count; i++) {
        const sec = from + 1 + Math.floor(next() * (to - from))
        sums.clientParts.add(
          sec,
          `c${Math.floor(next() * 40)}`,
          `s${Math.floor(next() * 3)}`,
          1 + Math.floor(next() * 5000),
        )
      }
      writer.write(sums)
      return sums.clientParts
    }
    const sql = db().prepare<[number, number]>(
      `WITH r(a, b) AS (SELECT ?, ?) ${partsInSecondsSql('r, gold_client_usage_parts', 'client, server', 'r.a', 'r.b')}`,
    )
    const tail = new ClientWindowTail(
      db().prepare('SELECT client, server, parts FROM gold_client_usage_parts WHERE minute = ?'),
    )
    const start = 1_000_000 * 60
    write(start, start + 600, 4000)

    let at = start
    let compared = 0
    while (at < start + 560) {
      // Moves of 0 to 90 s, across minutes and within one.
      const to = at + Math.floor(next() * 90)
      expect(summed(tail.rows(at, to)), `(${at}, ${to}]`).toEqual(
        summed(sql.raw().all(at, to) as unknown[][]),
      )
      compared += to > at ? 1 : 0
      at = to
      // A late batch: some seconds already read, some not yet, in the minute held and the next.
      tail.noteWritten(write(at - 50, at + 70, 30))
    }
    expect(compared).toBeGreaterThan(10)
  })

  it('reads its minute again for a range that starts before the last one read, and after forget', () => {
    const writer = new UsageWriter(db())
    const sums = usageSums()
    const minute = 500_000
    for (let i = 1; i <= 60; i++) sums.clientParts.add((minute - 1) * 60 + i, 'a', 's', i)
    writer.write(sums)
    const tail = new ClientWindowTail(
      db().prepare('SELECT client, server, parts FROM gold_client_usage_parts WHERE minute = ?'),
    )
    const first = (minute - 1) * 60
    expect([...tail.rows(first + 10, first + 20)]).toEqual([
      ['a', 's', 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 20],
    ])
    expect([...tail.rows(first, first + 2)]).toEqual([['a', 's', 3]])
    tail.forget()
    expect([...tail.rows(first + 59, first + 60)]).toEqual([['a', 's', 60]])
  })
})
