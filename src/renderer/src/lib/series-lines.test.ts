import { describe, expect, it } from 'vitest'
import type { Overview, Series } from '../../../shared/api'
import { busyBuckets, connectLines, peakOf, throughputLines } from './series-lines'
import { sampleTimes } from '../hooks/useConnectedHistory'

const series: Series = {
  from: 0,
  to: 180_000,
  stepMs: 60_000,
  points: [
    { t: 60_000, connects: 120, disconnects: 60, bps: 3, downBps: 2, upBps: 1 },
    { t: 120_000, connects: 0, disconnects: 0, bps: 0, downBps: 0, upBps: 0 },
    { t: 180_000, connects: 6, disconnects: 0, bps: 9, downBps: 4, upBps: 5 },
  ],
  byServer: [],
}

describe('connectLines', () => {
  it('shows the counts of minute buckets as averages per second', () => {
    const { lines, stepMs } = connectLines({} as Overview, series, false)
    expect(stepMs).toBe(60_000)
    expect(lines[0]!.points).toEqual([
      [60_000, 2],
      [120_000, 0],
      [180_000, 0.1],
    ])
    expect(lines[1]!.points[0]).toEqual([60_000, 1])
  })
})

describe('peakOf and busyBuckets', () => {
  it('takes the highest sum of stacked lines, and counts the buckets that are not zero', () => {
    const lines = throughputLines(series)
    expect(peakOf(lines)).toBe(9)
    expect(busyBuckets(lines)).toBe(2)
  })
})

describe('sampleTimes', () => {
  it('puts about 30 times on a round grid, only up to the settled time', () => {
    const to = Date.UTC(2025, 2, 3, 12, 0, 7)
    const times = sampleTimes(to - 15 * 60_000, to, to - 5000)
    expect(times.every((t) => t % 30_000 === 0)).toBe(true)
    expect(times).toHaveLength(30)
    expect(times.at(-1)).toBe(Date.UTC(2025, 2, 3, 12))
  })

  it('keeps the times already asked when the live range moves by a second', () => {
    const to = Date.UTC(2025, 2, 3, 12, 0, 7)
    const before = sampleTimes(to - 900_000, to, to - 5000)
    const after = sampleTimes(to + 1000 - 900_000, to + 1000, to - 4000)
    expect(after).toEqual(before)
  })
})
