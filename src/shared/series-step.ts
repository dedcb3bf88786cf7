// The step of a time series over a range: per second up to 30 minutes, per minute up to 3 days, per hour
// beyond, so a chart never holds more than a few thousand points. Shared by the query and the UI, which
// asks a range's new points alone in the step of the whole range.
const MINUTE = 60_000
const HOUR = 3_600_000

export const SERIES_STEPS_MS = [1000, MINUTE, HOUR] as const
export type SeriesStepMs = (typeof SERIES_STEPS_MS)[number]

export function seriesStepMs(from: number, to: number): SeriesStepMs {
  const span = to - from
  if (span <= 30 * MINUTE) return 1000
  if (span <= 3 * 24 * HOUR) return MINUTE
  return HOUR
}
