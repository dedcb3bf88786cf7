// How a headline figure moved since the minute before: the same metric asked a minute before T.
import { formatCount } from './format'

export const TREND_MS = 60_000
/**
 * The figures a minute back are asked on a grid of this step, so a page refreshing every second asks them
 * once per step: a past T is not answered by the live state, and costs up to a second of the reader's time
 * on a large network (docs/benchmarks.md).
 */
export const TREND_STEP_MS = 10_000

/** The T the trend compares T with: a minute before it, down to the grid (60 to 70 s before T). */
export const trendTime = (at: number): number =>
  Math.max(0, Math.floor((at - TREND_MS) / TREND_STEP_MS) * TREND_STEP_MS)

/** `before`: undefined while the figures a minute before are still being asked. */
export function trend(
  now: number | null,
  before: number | null | undefined,
  format: (delta: number) => string,
): string {
  if (before === undefined) return '~1 min before: asking…'
  if (now === null || before === null) return 'no figure ~1 min before'
  const delta = now - before
  if (delta === 0) return '= ~1 min before'
  return `${delta > 0 ? '▲' : '▼'} ${format(Math.abs(delta))} vs ~1 min before`
}

/** A change of share in percentage points. */
export const points = (delta: number) => `${(delta * 100).toFixed(1)} pp`

export const count = (delta: number) => formatCount(delta)
