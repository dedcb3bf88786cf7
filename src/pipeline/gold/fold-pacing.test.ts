import { describe, expect, it } from 'vitest'
import { FOLD_SPACING, LOADED_LAG_MS, foldLagMs } from './fold-pacing'

describe('the pacing of gold folds', () => {
  it('keeps the configured lag while folds are quick', () => {
    expect(foldLagMs(200, 0)).toBe(200)
    expect(foldLagMs(200, 200 / FOLD_SPACING)).toBe(200)
  })

  it('spaces folds by a multiple of the last one, up to the loaded lag', () => {
    expect(foldLagMs(200, 100)).toBe(100 * FOLD_SPACING)
    expect(foldLagMs(200, 10_000)).toBe(LOADED_LAG_MS)
  })

  it('never shortens a lag configured longer than the loaded one', () => {
    expect(foldLagMs(5000, 10_000)).toBe(5000)
    expect(foldLagMs(0, 0)).toBe(0)
  })
})
