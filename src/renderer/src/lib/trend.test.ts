import { describe, expect, it } from 'vitest'
import { trend, trendTime, TREND_STEP_MS } from './trend'

describe('the trend of a headline figure', () => {
  it('compares T with a minute before it, on a grid that a page refreshing every second asks once per step', () => {
    const at = Date.UTC(2026, 10, 28, 9, 0, 37, 250)
    expect(trendTime(at)).toBe(Date.UTC(2026, 10, 28, 8, 59, 30))
    const asked = new Set<number>()
    for (let s = 0; s < 60; s++) asked.add(trendTime(at + s * 1000))
    // A minute of refreshes asks 6 or 7 times instead of 60.
    expect(asked.size).toBeLessThanOrEqual(60_000 / TREND_STEP_MS + 1)
    for (let s = 0; s < 60; s++) {
      const before = at + s * 1000 - trendTime(at + s * 1000)
      expect(before).toBeGreaterThanOrEqual(60_000)
      expect(before).toBeLessThan(60_000 + TREND_STEP_MS)
    }
    expect(trendTime(30_000)).toBe(0)
  })

  it('says how the figure moved, or that there was none a minute before', () => {
    expect(trend(12, 10, String)).toBe('▲ 2 vs ~1 min before')
    expect(trend(8, 10, String)).toBe('▼ 2 vs ~1 min before')
    expect(trend(10, 10, String)).toBe('= ~1 min before')
    expect(trend(10, null, String)).toBe('no figure ~1 min before')
    expect(trend(10, undefined, String)).toBe('~1 min before: asking…')
  })
})
