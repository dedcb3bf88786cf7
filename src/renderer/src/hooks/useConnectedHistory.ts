// Connected devices over the chart range. No series holds them (a device counts while its latest connect
// stands and it was seen within the idle timeout), so the metric is asked at about 30 whole times of the
// range (metrics:connected, the overview's figure alone), newest first, as many times a request as fit in a
// tenth of a second, so that the page's per-second queries get their turn in between; the chart fills in as
// the answers come. The times sit on a grid of round steps, so a live range moving by a
// second adds one time per step and the ones already asked are kept; a new selection (another range, or
// back to live) asks them all again, as data may have been imported since.
import { useEffect, useEffectEvent, useRef, useState } from 'react'
import type { ConnectedSample, Overview } from '../../../shared/api'
import { useApi } from '../app/api-context'
import { useTime } from '../app/time-context'

export type { ConnectedSample }

export interface ConnectedHistory {
  /** The samples answered so far, oldest first. */
  data: ConnectedSample[] | undefined
  /** How many samples the range has; fewer in `data` while they are being asked. */
  expected: number
  error: Error | undefined
  loading: boolean
}

const SAMPLES = 30
/**
 * Times asked by the first request, newest first, so the chart's right-hand end fills first. The next
 * requests ask as many as the answers so far say fit in REQUEST_MS: a time costs a few ms where gold keeps
 * the connected devices per second (one request for the rest), hundreds where each device is judged at
 * the time (one or two a request, so the page's other reads get their turn in between).
 */
const FIRST_REQUEST = 5
const REQUEST_MS = 100
// Events of the last seconds may still be on their way: a live time is kept only once it is this old.
const SETTLE_MS = 5_000
const STEPS_S = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]

export function sampleTimes(from: number, to: number, until: number): number[] {
  const span = to - from
  const stepS =
    STEPS_S.find((s) => s * 1000 * SAMPLES >= span) ?? Math.ceil(span / SAMPLES / 86_400_000) * 86_400
  const step = stepS * 1000
  const times: number[] = []
  for (let t = Math.ceil(from / step) * step; t <= Math.min(to, until); t += step) times.push(t)
  return times
}

export function toSample(overview: Overview): ConnectedSample {
  return {
    t: overview.at,
    total: overview.connections.connectedDevices,
    byServer: Object.fromEntries(overview.servers.map((s) => [s.server, s.connectedDevices])),
  }
}

export function useConnectedHistory(): ConnectedHistory {
  const api = useApi()
  const { at, from, to, live } = useTime()
  const scope = live ? 'live' : `${from}:${to}`
  // A range's end is the figures' T: the page's overview at T holds that point (connectedLines), so it is not
  // asked again here; it is the range's dearest time, where every device of the traffic is to be judged.
  const times = sampleTimes(from, to, live ? at - SETTLE_MS : to - 1)
  const key = `${scope}:${times[0]}:${times.at(-1)}:${times.length}`
  const cache = useRef({ scope: '', samples: new Map<number, ConnectedSample>() })
  const [state, setState] = useState<{ scope: string; samples: ConnectedSample[]; error?: Error }>()

  const ask = useEffectEvent(async (isCancelled: () => boolean) => {
    if (cache.current.scope !== scope) cache.current = { scope, samples: new Map() }
    const known = cache.current.samples
    const wanted = new Set(times)
    for (const t of known.keys()) if (!wanted.has(t)) known.delete(t)
    const publish = () => {
      if (!isCancelled())
        setState({ scope, samples: times.filter((t) => known.has(t)).map((t) => known.get(t)!) })
    }
    publish()
    const missing = times.filter((t) => !known.has(t)).reverse()
    let perRequest = FIRST_REQUEST
    for (let i = 0; i < missing.length;) {
      if (isCancelled()) return
      const asked = missing.slice(i, i + perRequest)
      i += asked.length
      const started = performance.now()
      const samples = await api.call('metrics:connected', { times: asked })
      const msPerTime = (performance.now() - started) / asked.length
      perRequest = Math.max(1, Math.floor(REQUEST_MS / msPerTime))
      for (const sample of samples) known.set(sample.t, sample)
      publish()
    }
  })

  useEffect(() => {
    let cancelled = false
    ask(() => cancelled).catch(
      (error: Error) => !cancelled && setState((s) => ({ scope, samples: s?.samples ?? [], error })),
    )
    return () => {
      cancelled = true
    }
  }, [key, scope])

  const current = state?.scope === scope ? state : undefined
  return {
    data: current?.samples,
    expected: times.length,
    error: current?.error,
    // Until the first answer of the range (none are known yet when the range is new).
    loading: current === undefined || (current.samples.length === 0 && times.length > 0 && !current.error),
  }
}
