// The figures at T and the series of the chart range, in one query that follows the time, so the live page
// refreshes every second without flashing; then the same figures a minute before, for the trends. The
// series is kept between refreshes: only its new points and those a commit changed are asked
// (lib/series-cache.ts).
import { useEffect, useMemo, useRef, useState } from 'react'
import type { Overview, Series } from '../../../shared/api'
import { useApi } from '../app/api-context'
import { trendTime } from '../lib/trend'
import { useTime } from '../app/time-context'
import { SeriesCache } from '../../../shared/series-cache'
import { usePacedQuery } from './usePacedQuery'

export interface OverviewData {
  now: Overview
  /** The figures a minute before T: null while they are asked. */
  previous: Overview | null
  series: Series
}

interface TrendAnswer {
  at: number
  live: boolean
  overview: Overview
}

export function useOverviewData(server?: string) {
  const api = useApi()
  const { live } = useTime()
  // The figures a minute back are asked once per step of the trend's grid, and only once the figures at T
  // are in: at a past T each overview costs the reader most of a second on a large network, and the
  // reader answers in turn, so asking both at once held every panel back until the second was answered.
  const asking = useRef<{ at: number; live: boolean } | null>(null)
  const [trend, setTrend] = useState<TrendAnswer | null>(null)
  // Another server is another series (losing the cache costs one whole range asked again).
  const series = useMemo(
    () => new SeriesCache((from, to, stepMs) => api.call('metrics:series', { from, to, server, stepMs })),
    [api, server],
  )
  useEffect(
    () => api.onPush((event) => event.type === 'data:changed' && series.noteChanged(event.span)),
    [api, series],
  )
  const askTrend = (at: number) => {
    const t = trendTime(at)
    if (asking.current?.at === t && asking.current.live === live) return
    const asked = { at: t, live }
    asking.current = asked
    api.call('metrics:overview', { at: t, settleUsage: live }).then(
      (overview) => asking.current === asked && setTrend({ ...asked, overview }),
      // A failed answer is asked again at the next refresh.
      () => asking.current === asked && (asking.current = null),
    )
  }
  const query = usePacedQuery(`overview:${server ?? '*'}`, async ({ at, from, to }) => {
    const [now, points] = await Promise.all([
      api.call('metrics:overview', { at, settleUsage: live }),
      series.get(from, to),
    ])
    askTrend(at)
    return { now, series: points }
  })
  const answered = query.data
  // A live page keeps the last minute-before figures while the next step's are asked; a past T shows
  // only its own.
  const previous =
    answered && trend && trend.live === live && (live || trend.at === trendTime(answered.now.at))
      ? trend.overview
      : null
  const data = useMemo(() => answered && { ...answered, previous }, [answered, previous])
  return { ...query, data }
}
