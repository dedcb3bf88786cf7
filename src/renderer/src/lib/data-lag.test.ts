import { describe, expect, it } from 'vitest'
import { dataLagNotice } from './data-lag'

describe('the notice of live figures older than now', () => {
  const at = Date.UTC(2026, 10, 28, 12, 0, 0)

  it('says how old the newest event is once it lags by 10 s or more, in live mode only', () => {
    expect(dataLagNotice(at, at - 2_000, true, false)).toBeNull()
    expect(dataLagNotice(at, at - 34_000, true, false)).toBe(
      'The newest event is 34.0 s old: no newer event has come in. The network is quiet, or device apps ' +
        'stopped sending (see Ingestion).',
    )
    // A past range is history: its figures are as complete as they will be.
    expect(dataLagNotice(at, at - 34_000, false, false)).toBeNull()
    // An empty database has its own empty states.
    expect(dataLagNotice(at, null, true, false)).toBeNull()
  })

  it('blames an engine at its capacity when it is', () => {
    expect(dataLagNotice(at, at - 12_500, true, true)).toBe(
      'The newest event is 12.5 s old: Vigia is at its capacity, and the figures for the time since are ' +
        'not in yet (see Ingestion).',
    )
  })
})
