// How the engine's load reads to the operator (StatusDto.engine): on the Ingestion page, and where live
// figures lag because of it.
import type { StatusDto } from '../../../shared/api'
import { formatDuration } from './duration'

/** Busy at least this share of the window: the engine is at its capacity and work queues behind it. */
export const SATURATED_SHARE = 0.9

/**
 * Whether Vigia is at its capacity: the engine at work nearly all the time while device apps wait on it. An
 * import alone keeps the engine busy by design, and nobody waits on it.
 */
export function atCapacity(
  engine: StatusDto['engine'],
): engine is StatusDto['engine'] & { slowestAckMs: number } {
  return engine.busyShare >= SATURATED_SHARE && engine.slowestAckMs !== null
}

export function engineLoadDetail(engine: StatusDto['engine']): string {
  return engine.slowestAckMs === null
    ? `no frames from device apps in the last ${engine.windowS} s`
    : `frames acked within ${formatDuration(engine.slowestAckMs)}`
}

/**
 * The warning to show, or null while the engine keeps up. `heldBack` device apps are not read from until
 * the engine catches up (backpressure): they wait longer than the frames Vigia holds.
 */
export function engineLoadWarning(engine: StatusDto['engine'], heldBack: number): string | null {
  if (!atCapacity(engine)) return null
  const held =
    heldBack === 0
      ? ''
      : ` Vigia has stopped reading ${heldBack === 1 ? 'a device app' : `${heldBack} device apps`} until it ` +
        'catches up, so they wait longer still.'
  return (
    `Vigia is at its capacity on this machine: the engine was at work ${Math.round(engine.busyShare * 100)} % ` +
    `of the last ${engine.windowS} s, and frames from device apps waited up to ` +
    `${formatDuration(engine.slowestAckMs)} for their ack.${held} Events reach the dashboards late while it ` +
    `lasts. Send 100 to 1,000 events per frame, or lower the rate (docs/benchmarks.md gives what this ` +
    `machine takes).`
  )
}
