// How the engine's load reads to the operator (StatusDto.engine).
import type { StatusDto } from '../../../../shared/api'
import { formatDuration } from '../../lib/duration'

/** Busy at least this share of the window: the engine is at its capacity and work queues behind it. */
export const SATURATED_SHARE = 0.9

export function engineLoadDetail(engine: StatusDto['engine']): string {
  return engine.slowestAckMs === null
    ? `no frames from device apps in the last ${engine.windowS} s`
    : `frames acked within ${formatDuration(engine.slowestAckMs)}`
}

/**
 * The warning to show, or null while the engine keeps up. Only with device apps sending: an import alone
 * keeps the engine busy by design, and nobody waits on it.
 */
export function engineLoadWarning(engine: StatusDto['engine']): string | null {
  if (engine.busyShare < SATURATED_SHARE || engine.slowestAckMs === null) return null
  return (
    `Vigia is at its capacity on this machine: the engine was at work ${Math.round(engine.busyShare * 100)} % ` +
    `of the last ${engine.windowS} s, and frames from device apps waited up to ` +
    `${formatDuration(engine.slowestAckMs)} for their ack. Events reach the dashboards late while it lasts. ` +
    `Send 100 to 1,000 events per frame, or lower the rate (docs/benchmarks.md gives what this machine takes).`
  )
}
