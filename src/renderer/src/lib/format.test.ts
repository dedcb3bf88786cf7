import { describe, expect, it } from 'vitest'
import { formatTime, usageSpan } from './format'

describe('usageSpan', () => {
  const at = Date.UTC(2026, 11, 4, 12, 40, 0)

  it('names the plain window when the usage figures are at T', () => {
    expect(usageSpan({ at, usageAt: at }, '10 s')).toBe('10 s')
    expect(usageSpan({ at, usageAt: at }, 'last min')).toBe('last min')
  })

  it('says to when a live view reads them, a minute behind T', () => {
    const usageAt = at - 60_000
    expect(usageSpan({ at, usageAt }, '10 s')).toBe(`10 s to ${formatTime(usageAt)}`)
    expect(usageSpan({ at, usageAt }, 'last min')).toBe(`1 min to ${formatTime(usageAt)}`)
  })
})
