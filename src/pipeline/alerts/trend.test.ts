import { describe, expect, it } from 'vitest'
import { daysToSaturation } from './trend'

describe('the saturation trend', () => {
  it('gives the right day count on a linear ramp', () => {
    // 50 % on day 0, +2 % a day: 100 % on day 25; seen from day 9, that is 16 days away.
    const peaks = Array.from({ length: 10 }, (_, day) => ({ day, peak: 0.5 + 0.02 * day }))
    expect(daysToSaturation(peaks, 9)).toBeCloseTo(16, 6)
  })

  it('says nothing for a flat or falling load, or too few days', () => {
    expect(
      daysToSaturation(
        [0, 1, 2, 3].map((day) => ({ day, peak: 0.6 })),
        3,
      ),
    ).toBeNull()
    expect(
      daysToSaturation(
        [0, 1, 2, 3].map((day) => ({ day, peak: 0.9 - day * 0.01 })),
        3,
      ),
    ).toBeNull()
    expect(
      daysToSaturation(
        [
          { day: 0, peak: 0.5 },
          { day: 1, peak: 0.9 },
        ],
        1,
      ),
    ).toBeNull()
  })

  it('is 0 once the line is past 100 %', () => {
    expect(
      daysToSaturation(
        [0, 1, 2].map((day) => ({ day, peak: 1 + day * 0.1 })),
        2,
      ),
    ).toBe(0)
  })
})
