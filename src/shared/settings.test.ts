import { describe, expect, it } from 'vitest'
import { apiArgs } from './api'
import { DEFAULT_SETTINGS, pipelineSettings } from './settings'

describe('the idle timeout setting', () => {
  it('is 30 minutes by default, a number of minutes above 0, or null for never', () => {
    expect(DEFAULT_SETTINGS.idleTimeoutMin).toBe(30)
    expect(pipelineSettings.parse({ idleTimeoutMin: 45 }).idleTimeoutMin).toBe(45)
    expect(pipelineSettings.parse({ idleTimeoutMin: 0.5 }).idleTimeoutMin).toBe(0.5)
    expect(pipelineSettings.parse({ idleTimeoutMin: null }).idleTimeoutMin).toBeNull()
    for (const bad of [0, -5, 'never'])
      expect(pipelineSettings.safeParse({ idleTimeoutMin: bad }).success, String(bad)).toBe(false)
  })

  it('is updated through the API to minutes or to never, and refuses 0 or less', () => {
    const update = apiArgs['settings:update']
    expect(update.parse({ idleTimeoutMin: null })).toEqual({ idleTimeoutMin: null })
    expect(update.parse({ idleTimeoutMin: 10 })).toEqual({ idleTimeoutMin: 10 })
    expect(update.safeParse({ idleTimeoutMin: 0 }).success).toBe(false)
    expect(update.safeParse({ idleTimeoutMin: -1 }).success).toBe(false)
  })
})
