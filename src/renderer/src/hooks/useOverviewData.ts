// The figures at T, the same figures a minute before (for trends) and the series of the chart range, in one
// query that follows the time, so the live page refreshes every second without flashing.
import { useRef } from 'react'
import type { Overview, Series } from '../../../shared/api'
import { useApi } from '../app/api-context'
import { trendTime } from '../lib/trend'
import { useTime } from '../app/time-context'
import { usePacedQuery } from './usePacedQuery'

export interface OverviewData {
  now: Overview
  previous: Overview
  series: Series
}

export function useOverviewData(server?: string) {
  const api = useApi()
  const { live } = useTime()
  // The figures a minute back, kept while the trend's T stays on the same step of its grid.
  const trend = useRef<{ at: number; live: boolean; overview: Promise<Overview> } | null>(null)
  const previousAt = (at: number): Promise<Overview> => {
    const t = trendTime(at)
    if (trend.current?.at !== t || trend.current.live !== live) {
      const overview = api.call('metrics:overview', { at: t, settleUsage: live })
      trend.current = { at: t, live, overview }
      // A failed answer is asked again at the next refresh.
      overview.catch(() => {
        if (trend.current?.overview === overview) trend.current = null
      })
    }
    return trend.current.overview
  }
  return usePacedQuery<OverviewData>(`overview:${server ?? '*'}`, async ({ at, from, to }) => {
    const [now, previous, series] = await Promise.all([
      api.call('metrics:overview', { at, settleUsage: live }),
      previousAt(at),
      api.call('metrics:series', { from, to, server }),
    ])
    return { now, previous, series }
  })
}
