import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bytesUpTo, spreadSample } from './spread'

function parts(ts: number, duration: number | null, down: number, up: number, size: number) {
  const out: [number, number, number][] = []
  spreadSample(ts, duration, down, up, size, (b, d, u) => out.push([b, d, u]))
  return out
}

describe('spreadSample', () => {
  it('spreads a 10-second sample evenly over the ten seconds before its time', () => {
    const ts = Date.UTC(2026, 11, 4, 12, 0, 10)
    const s = ts / 1000
    expect(parts(ts, 10_000, 10_000, 1_000, 1000)).toEqual(
      Array.from({ length: 10 }, (_, i) => [s - 9 + i, 1000, 100]),
    )
  })

  it('keeps a sample without a duration as a point in the second of its time', () => {
    expect(parts(1_700_000_000_500, null, 7, 3, 1000)).toEqual([[1_700_000_001, 7, 3]])
    expect(parts(1_700_000_000_500, 0, 7, 3, 1000)).toEqual([[1_700_000_001, 7, 3]])
  })

  it('gives the partial seconds at both ends their share of the interval', () => {
    // (…:00.250, …:02.250]: 750 ms in the first second, 1000 in the second, 250 in the third.
    const ts = 1_700_000_002_250
    expect(parts(ts, 2000, 2000, 0, 1000)).toEqual([
      [1_700_000_001, 750, 0],
      [1_700_000_002, 1000, 0],
      [1_700_000_003, 250, 0],
    ])
  })

  it('gives whole bytes that add up to the sample, and minutes that are the sums of their seconds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_700_000_000_000, max: 1_700_000_900_000 }),
        fc.integer({ min: 0, max: 600_000 }),
        fc.integer({ min: 0, max: 5e12 }),
        fc.integer({ min: 0, max: 1e9 }),
        (ts, duration, down, up) => {
          const seconds = parts(ts, duration, down, up, 1000)
          const minutes = parts(ts, duration, down, up, 60_000)
          for (const p of [...seconds, ...minutes]) {
            expect(Number.isSafeInteger(p[1]) && p[1] >= 0).toBe(true)
            expect(Number.isSafeInteger(p[2]) && p[2] >= 0).toBe(true)
          }
          expect(seconds.reduce((s, p) => s + p[1], 0)).toBe(down)
          expect(seconds.reduce((s, p) => s + p[2], 0)).toBe(up)
          for (const [minute, mDown, mUp] of minutes) {
            const inMinute = seconds.filter(([sec]) => Math.ceil(sec / 60) === minute)
            expect(inMinute.reduce((s, p) => s + p[1], 0)).toBe(mDown)
            expect(inMinute.reduce((s, p) => s + p[2], 0)).toBe(mUp)
          }
        },
      ),
    )
  })

  it('stays exact for byte counts and durations whose product passes 2^53', () => {
    const bytes = 2 ** 52 + 7
    const duration = 3 * 86_400_000
    const x = 1_700_000_000_000
    const ts = x + 86_400_000
    const expected = (BigInt(bytes) * BigInt(2 * 86_400_000)) / BigInt(duration)
    expect(bytesUpTo(x, ts, duration, bytes)).toBe(Number(expected))
  })
})
