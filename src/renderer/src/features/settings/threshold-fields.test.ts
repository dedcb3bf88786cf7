import { describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../../../shared/settings'
import { draftOf, NONE, parseNumber, patchOf, validateDraft } from './threshold-fields'

describe('threshold fields', () => {
  it('starts from the saved settings with no error', () => {
    const draft = draftOf(DEFAULT_SETTINGS)
    expect(draft.overloadRaisePct).toBe('85')
    expect(draft.defaultCapacityMbps).toBe('10000')
    expect(validateDraft(draft)).toEqual({})
  })

  it('reads plain decimal numbers only', () => {
    expect(parseNumber(' 12.5 ')).toBe(12.5)
    expect(parseNumber('1,5')).toBeNull()
    expect(parseNumber('')).toBeNull()
    expect(parseNumber('12abc')).toBeNull()
    expect(parseNumber('Infinity')).toBeNull()
  })

  it('names the problem of each field and refuses a clear level above the raise level', () => {
    const draft = {
      ...draftOf(DEFAULT_SETTINGS),
      overloadForMin: '-1',
      heavyThresholdMbps: '0',
      defaultMaxConnections: '10.5',
      upgradeSharePct: '150',
      overloadClearPct: '90',
      upgradeWindowDays: 'x',
    }
    expect(validateDraft(draft)).toEqual({
      overloadForMin: 'Must be 0 or more.',
      heavyThresholdMbps: 'Must be above 0.',
      defaultMaxConnections: 'Must be a whole number.',
      upgradeSharePct: 'Must be at most 100.',
      upgradeWindowDays: 'Enter a number.',
      overloadClearPct: 'Must not exceed the raise level (85 %): the alert would flap.',
    })
  })

  it('sends only what changed, alert thresholds under alerts', () => {
    const draft = { ...draftOf(DEFAULT_SETTINGS), overloadForMin: '0', heavyThresholdMbps: '80' }
    expect(patchOf(draft, DEFAULT_SETTINGS)).toEqual({
      heavyThresholdMbps: 80,
      alerts: { overloadForMin: 0 },
    })
    expect(patchOf(draftOf(DEFAULT_SETTINGS), DEFAULT_SETTINGS)).toEqual({})
  })

  it('sets the idle timeout to minutes or to never, and refuses 0', () => {
    expect(draftOf(DEFAULT_SETTINGS).idleTimeoutMin).toBe('30')
    const never = { ...draftOf(DEFAULT_SETTINGS), idleTimeoutMin: NONE }
    expect(validateDraft(never)).toEqual({})
    expect(patchOf(never, DEFAULT_SETTINGS)).toEqual({ idleTimeoutMin: null })
    const saved = { ...DEFAULT_SETTINGS, idleTimeoutMin: null }
    expect(draftOf(saved).idleTimeoutMin).toBe(NONE)
    expect(patchOf(draftOf(saved), saved)).toEqual({})
    expect(patchOf({ ...draftOf(saved), idleTimeoutMin: '45' }, saved)).toEqual({ idleTimeoutMin: 45 })
    expect(validateDraft({ ...never, idleTimeoutMin: '0' })).toEqual({ idleTimeoutMin: 'Must be above 0.' })
  })
})
