// From API results to chart lines. Counts of a bucket wider than a second become averages per second, so
// the connects chart reads in events/s whatever the range.
import type { Overview, Series } from '../../../shared/api'
import { formatTime } from './format'
import { COLORS, formatValue, type Line, type Point, type Unit } from './chart-options'
import { toSample, type ConnectedSample } from '../hooks/useConnectedHistory'

export interface Lines {
  lines: Line[]
  stepMs: number
  from: number
  to: number
}

/** Live: the per-second counts of the overview itself; a range: the series buckets. */
export function connectLines(now: Overview, series: Series, live: boolean): Lines {
  if (live) {
    const perSecond = now.connections.perSecond
    return {
      stepMs: 1000,
      from: (perSecond[0]?.t ?? now.at) - 1000,
      to: now.at,
      lines: [
        { name: 'Connects', color: COLORS.connects, points: perSecond.map((s) => [s.t, s.connects]) },
        {
          name: 'Disconnects',
          color: COLORS.disconnects,
          mirror: true,
          points: perSecond.map((s) => [s.t, s.disconnects]),
        },
      ],
    }
  }
  const seconds = series.stepMs / 1000
  return {
    stepMs: series.stepMs,
    from: series.from,
    to: series.to,
    lines: [
      {
        name: 'Connects',
        color: COLORS.connects,
        points: series.points.map((p) => [p.t, p.connects / seconds]),
      },
      {
        name: 'Disconnects',
        color: COLORS.disconnects,
        mirror: true,
        points: series.points.map((p) => [p.t, p.disconnects / seconds]),
      },
    ],
  }
}

export function throughputLines(series: Series): Lines {
  return {
    stepMs: series.stepMs,
    from: series.from,
    to: series.to,
    lines: [
      { name: 'Down', color: COLORS.down, stack: 'dir', points: series.points.map((p) => [p.t, p.downBps]) },
      { name: 'Up', color: COLORS.up, stack: 'dir', points: series.points.map((p) => [p.t, p.upBps]) },
    ],
  }
}

export function serverThroughputLines(series: Series): Lines {
  return {
    stepMs: series.stepMs,
    from: series.from,
    to: series.to,
    lines: series.byServer.map((s) => ({
      name: s.server,
      stack: 'servers',
      points: s.points.map((p): Point => [p.t, p.bps]),
    })),
  }
}

/** The samples of the range, then the figure at T itself. */
export function connectedLines(
  samples: ConnectedSample[],
  now: Overview,
  from: number,
  server?: string,
): Lines {
  const pick = (s: ConnectedSample) => (server === undefined ? s.total : (s.byServer[server] ?? 0))
  const points: Point[] = samples.map((s) => [s.t, pick(s)])
  const last = points.at(-1)
  if (!last || last[0] < now.at) points.push([now.at, pick(toSample(now))])
  // Each point is the figure at its own time, not a bucket: the tooltip names that time.
  return {
    stepMs: 1000,
    from,
    to: now.at,
    lines: [{ name: 'Connected devices', color: COLORS.devices, points }],
  }
}

/** The highest value drawn: for stacked lines, the highest sum. */
export function peakOf({ lines }: Lines): number {
  let peak = 0
  for (const line of lines) for (const [, v] of line.points) peak = Math.max(peak, v)
  const stacked = lines.filter((l) => l.stack)
  if (stacked.length > 1) {
    stacked[0]!.points.forEach((_, i) => {
      peak = Math.max(
        peak,
        stacked.reduce((sum, l) => sum + (l.points[i]?.[1] ?? 0), 0),
      )
    })
  }
  return peak
}

/** Buckets in which some line is not zero. */
export function busyBuckets({ lines }: Lines): number {
  const times = new Set<number>()
  for (const line of lines) for (const [t, v] of line.points) if (v !== 0) times.add(t)
  return times.size
}

/** The chart in words: its span, and each line's peak and latest value. */
export function describe(title: string, { lines, from, to }: Lines, unit: Unit): string {
  const withDate = to - from > 86_400_000
  const parts = lines.slice(0, 12).map((line) => {
    const peak = line.points.reduce((m, [, v]) => Math.max(m, v), 0)
    const latest = line.points.at(-1)?.[1] ?? 0
    return `${line.name} peak ${formatValue(unit, peak)}, latest ${formatValue(unit, latest)}`
  })
  return `${title}, ${formatTime(from, withDate)} to ${formatTime(to, withDate)}: ${parts.join('; ')}`
}
