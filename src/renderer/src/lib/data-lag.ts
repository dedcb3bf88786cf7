// Live figures at "now" are only as recent as the newest event Vigia holds. When that lags, the last seconds
// of every chart and rate read as a drop in traffic that did not happen: the page says so instead, and why.
import { formatDuration } from './duration'

/** A lag shorter than this is a flush and a refresh: nothing to say. */
export const LAG_NOTICE_MS = 10_000

/**
 * The notice for live figures at `at` whose newest event ends at `newestAt`, or null. `atCapacity`: the
 * engine is behind the device apps (StatusDto.engine), rather than the network quiet.
 */
export function dataLagNotice(
  at: number,
  newestAt: number | null,
  live: boolean,
  atCapacity: boolean,
): string | null {
  if (!live || newestAt === null || at - newestAt < LAG_NOTICE_MS) return null
  const age = `The newest event is ${formatDuration(at - newestAt)} old`
  return atCapacity
    ? `${age}: Vigia is at its capacity, and the figures for the time since are not in yet (see Ingestion).`
    : `${age}: no newer event has come in. The network is quiet, or device apps stopped sending (see Ingestion).`
}
