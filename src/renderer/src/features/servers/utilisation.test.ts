import { describe, expect, it } from 'vitest'
import { levelOf, worst } from './utilisation'

describe('levelOf', () => {
  it('warns from 75 % and is critical from 85 %', () => {
    expect(levelOf(0.7499)).toBe('ok')
    expect(levelOf(0.75)).toBe('warn')
    expect(levelOf(0.8499)).toBe('warn')
    expect(levelOf(0.85)).toBe('crit')
    expect(levelOf(1.4)).toBe('crit')
  })

  it('has no level for a utilisation over a limit of 0 (null in JSON, Infinity or NaN over IPC)', () => {
    expect(levelOf(null)).toBe('none')
    expect(levelOf(Infinity)).toBe('none')
    expect(levelOf(NaN)).toBe('none')
  })

  it('gives a server the worse of its two levels', () => {
    expect(worst('ok', 'crit')).toBe('crit')
    expect(worst('warn', 'none')).toBe('warn')
  })
})
