// The figures at T, the same figures a minute before (for trends) and the series of the chart range, in one
// query that follows the time, so the live page refreshes every second without flashing. The series is
// kept between refreshes: only its new points and those a commit changed are asked (lib/series-cache.ts).
import { useEffect, useMemo, useRef } from 'react'
import type { Overview, Series } from '../../../shared/api'
import { useApi } from '../app/api-context'
import { trendTime } from '../lib/trend'
import { useTime } from '../app/time-context'
import { SeriesCache } from '../../../shared/series-cache'
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
  // Another server is another series (losing the cache costs one whole range asked again).
  const series = useMemo(
    () => new SeriesCache((from, to, stepMs) => api.call('metrics:series', { from, to, server, stepMs })),
    [api, server],
  )
  useEffect(
    () => api.onPush((event) => event.type === 'data:changed' && series.noteChanged(event.span)),
    [api, series],
  )
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
    const [now, previous, points] = await Promise.all([
      api.call('metrics:overview', { at, settleUsage: live }),
      previousAt(at),
      series.get(from, to),
    ])
    return { now, previous, series: points }
  })
}
