// How a headline figure moved since the minute before: the same metric asked at T - 60 s.
import { formatCount } from './format'

export const TREND_MS = 60_000

export function trend(now: number | null, before: number | null, format: (delta: number) => string): string {
  if (now === null || before === null) return 'no figure 1 min before'
  const delta = now - before
  if (delta === 0) return '= 1 min before'
  return `${delta > 0 ? '▲' : '▼'} ${format(Math.abs(delta))} vs 1 min before`
}

/** A change of share in percentage points. */
export const points = (delta: number) => `${(delta * 100).toFixed(1)} pp`

export const count = (delta: number) => formatCount(delta)
