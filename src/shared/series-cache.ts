// A chart range's time series, kept between refreshes so that a live page asks only what is new: the points
// the range gained as it moved, and those whose time a commit changed (the host's `data:changed` push names
// the event time it folded). With nothing coming in, a live page asks one new point per step, not the whole
// range every second.
import type { Series } from './api'
import { mergeChanged, type Changed } from './event-span'
import { seriesStepMs, type SeriesStepMs } from './series-step'

export type AskSeries = (from: number, to: number, stepMs: SeriesStepMs) => Promise<Series>

/**
 * `base`'s points in (base.from, from'] where from' = `fresh.from`, then `fresh`'s, as one series over
 * (`from`, fresh.to]: the servers of either, each with a point (0 where it had none) at every time.
 */
export function joinSeries(base: Series, fresh: Series, from: number): Series {
  const kept = base.points.filter((p) => p.t > from && p.t <= fresh.from)
  const points = [...kept, ...fresh.points]
  const times = points.map((p) => p.t)
  const servers = new Map<string, Map<number, number>>()
  const add = (series: Series, keep: (t: number) => boolean) => {
    for (const s of series.byServer) {
      const values = servers.get(s.server) ?? new Map<number, number>()
      for (const p of s.points) if (keep(p.t)) values.set(p.t, p.bps)
      servers.set(s.server, values)
    }
  }
  add(base, (t) => t > from && t <= fresh.from)
  add(fresh, () => true)
  const byServer = [...servers]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([server, values]) => ({ server, points: times.map((t) => ({ t, bps: values.get(t) ?? 0 })) }))
  return { from, to: fresh.to, stepMs: fresh.stepMs, points, byServer }
}

export class SeriesCache {
  private cached: Series | null = null
  /** What changed since `cached` was asked (null: nothing; undefined: anything). */
  private changed: Changed = null

  constructor(private readonly ask: AskSeries) {}

  /** A commit changed `span` of event time (or anything, for undefined). */
  noteChanged(span: Changed): void {
    this.changed = mergeChanged(this.changed, span)
  }

  /** The series of (from, to], asking the host only for the points it does not hold or that changed. */
  async get(from: number, to: number): Promise<Series> {
    const stepMs = seriesStepMs(from, to)
    const start = Math.floor(from / stepMs) * stepMs
    const end = Math.floor(to / stepMs) * stepMs
    const cached = this.cached
    const changed = this.changed
    this.changed = null
    // Points at times after `since` are asked again: the new ones, and those a commit changed (a point at t
    // holds (t - step, t]).
    let since = cached?.to ?? -Infinity
    if (changed === undefined) since = -Infinity
    else if (changed) since = Math.min(since, Math.ceil(changed.from / stepMs) * stepMs - stepMs)
    const reusable =
      cached !== null && cached.stepMs === stepMs && cached.from <= start && since > start && since <= end
    let series: Series
    try {
      series = reusable
        ? joinSeries(cached, await this.ask(since, end, stepMs), start)
        : await this.ask(start, end, stepMs)
    } catch (error) {
      // Asked again next time.
      this.changed = mergeChanged(this.changed, changed)
      throw error
    }
    this.cached = series
    return series
  }
}
