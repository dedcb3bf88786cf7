// The figures at T, the same figures a minute before (for trends) and the series of the chart range, in one
// query that follows the time, so the live page refreshes every second without flashing.
import type { Overview, Series } from '../../../shared/api'
import { useApi } from '../app/api-context'
import { TREND_MS } from '../lib/trend'
import { usePacedQuery } from './usePacedQuery'

export interface OverviewData {
  now: Overview
  previous: Overview
  series: Series
}

export function useOverviewData(server?: string) {
  const api = useApi()
  return usePacedQuery<OverviewData>(`overview:${server ?? '*'}`, async ({ at, from, to }) => {
    const [now, previous, series] = await Promise.all([
      api.call('metrics:overview', { at }),
      api.call('metrics:overview', { at: Math.max(0, at - TREND_MS) }),
      api.call('metrics:series', { from, to, server }),
    ])
    return { now, previous, series }
  })
}
