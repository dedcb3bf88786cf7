// "Saturates in about N days": a least-squares line through a server's daily peak utilisation, and the
// day it reaches 100 %.

export interface DailyPeak {
  /** Day index (e.g. days since epoch). */
  day: number
  /** Peak utilisation that day, 1 = 100 %. */
  peak: number
}

/** Days from `today` until the fitted line reaches `limit`; null when it is flat, falling or too short. */
export function daysToSaturation(
  peaks: readonly DailyPeak[],
  today: number,
  limit = 1,
  minDays = 3,
): number | null {
  if (peaks.length < minDays) return null
  const n = peaks.length
  const meanX = peaks.reduce((a, p) => a + p.day, 0) / n
  const meanY = peaks.reduce((a, p) => a + p.peak, 0) / n
  let sxx = 0
  let sxy = 0
  for (const p of peaks) {
    sxx += (p.day - meanX) ** 2
    sxy += (p.day - meanX) * (p.peak - meanY)
  }
  if (sxx === 0) return null
  const slope = sxy / sxx
  if (slope <= 0) return null
  const intercept = meanY - slope * meanX
  const day = (limit - intercept) / slope
  return Math.max(0, day - today)
}
