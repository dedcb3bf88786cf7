import { describe, expect, it } from 'vitest'
import { atCapacity, engineLoadDetail, engineLoadWarning } from './engine-load'

describe('the engine load as the pages tell it', () => {
  it('warns only when device apps wait on an engine at work nearly all the time', () => {
    expect(engineLoadWarning({ busyShare: 0.5, slowestAckMs: 80, windowS: 10 }, 0)).toBeNull()
    const warning = engineLoadWarning({ busyShare: 0.97, slowestAckMs: 4_200, windowS: 10 }, 0)
    expect(warning).toMatch(/at its capacity/)
    expect(warning).toMatch(/97 % of the last 10 s/)
    expect(warning).toMatch(/waited up to 4\.2 s/)
    expect(warning).not.toMatch(/stopped reading/)
    // An import alone keeps the engine busy, with no device app waiting on it.
    expect(atCapacity({ busyShare: 1, slowestAckMs: null, windowS: 10 })).toBe(false)
    expect(engineLoadWarning({ busyShare: 1, slowestAckMs: null, windowS: 10 }, 0)).toBeNull()
  })

  it('says how many device apps Vigia holds back, which wait longer than the acks show', () => {
    const engine = { busyShare: 0.95, slowestAckMs: 400, windowS: 10 }
    expect(engineLoadWarning(engine, 1)).toMatch(/stopped reading a device app until it catches up/)
    expect(engineLoadWarning(engine, 3)).toMatch(/stopped reading 3 device apps/)
  })

  it('says how fast frames are acked, or that none came', () => {
    expect(engineLoadDetail({ busyShare: 0.2, slowestAckMs: 120, windowS: 10 })).toBe(
      'frames acked within 120 ms',
    )
    expect(engineLoadDetail({ busyShare: 0, slowestAckMs: null, windowS: 10 })).toBe(
      'no frames from device apps in the last 10 s',
    )
  })
})
