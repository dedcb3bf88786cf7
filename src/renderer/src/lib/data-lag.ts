// Live figures at "now" are only as recent as the newest event Vigia holds. When that lags, the last seconds
// of every chart and rate read as a drop in traffic that did not happen: the page says so instead.
import { formatDuration } from './duration'

/** A lag shorter than this is a flush and a refresh: nothing to say. */
export const LAG_NOTICE_MS = 10_000

/** The notice for live figures at `at` whose newest event ends at `newestAt`, or null. */
export function dataLagNotice(at: number, newestAt: number | null, live: boolean): string | null {
  if (!live || newestAt === null || at - newestAt < LAG_NOTICE_MS) return null
  return (
    `The newest event is ${formatDuration(at - newestAt)} old: the figures for the time since are not in ` +
    'yet. Either the network is quiet, or Vigia is at its capacity (see Ingestion).'
  )
}
