import { describe, expect, it } from 'vitest'
import { BusyMeter, RecentMax } from './load-meters'

describe('the engine load meters', () => {
  it('count overlapping calls once and only the part of a stretch of work inside the window', () => {
    const busy = new BusyMeter(10_000)
    expect(busy.share(0)).toBe(0)
    // 0-4 s: an import; 2-6 s: a flush of the endpoint overlapping it. Busy 0-6 s, not 8 s.
    busy.begin(0)
    busy.begin(2_000)
    busy.end(4_000)
    busy.end(6_000)
    expect(busy.share(10_000)).toBeCloseTo(0.6)
    // 8 s later the window (8-18 s] holds nothing of it.
    expect(busy.share(16_000)).toBe(0)
    expect(busy.share(13_000)).toBeCloseTo(0.3)
  })

  it('counts a call still running up to now', () => {
    const busy = new BusyMeter(10_000)
    busy.begin(1_000)
    expect(busy.share(3_500)).toBeCloseTo(0.25)
    // Running for longer than the window: busy the whole of it, never more.
    expect(busy.share(60_000)).toBe(1)
  })

  it('forgets stretches of work that left the window, so a long-running app holds a few of them', () => {
    const busy = new BusyMeter(10_000)
    for (let t = 0; t < 1_000_000; t += 1_000) {
      busy.begin(t)
      busy.end(t + 500)
    }
    expect(busy.share(1_000_000)).toBeCloseTo(0.5)
    expect((busy as unknown as { intervals: unknown[] }).intervals.length).toBeLessThanOrEqual(11)
  })

  it('keep the largest wait of the window, and none once the window is past', () => {
    const waits = new RecentMax(10_000)
    expect(waits.max(0)).toBeNull()
    waits.note(1_000, 300)
    waits.note(2_000, 4_200)
    waits.note(9_000, 50)
    expect(waits.max(9_000)).toBe(4_200)
    expect(waits.max(12_500)).toBe(50)
    expect(waits.max(19_500)).toBeNull()
  })
})
