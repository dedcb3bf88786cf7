// What the simulator yields: a valid event, or a deliberately bad record and the kind of fault it carries,
// so tests and benchmarks know exactly which records Vigia should quarantine.
import type { DeviceEvent } from '../../shared/events'

export type SimEvent = DeviceEvent
export type ConnectEvent = Extract<DeviceEvent, { type: 'connect' }>
export type DisconnectEvent = Extract<DeviceEvent, { type: 'disconnect' }>
export type UsageEvent = Extract<DeviceEvent, { type: 'usage' }>
export type FlowEvent = Extract<DeviceEvent, { type: 'flow' }>

export const BAD_KINDS = [
  'negative-bytes',
  'missing-field',
  'unknown-type',
  'broken-json',
  'future-ts',
] as const
export type BadKind = (typeof BAD_KINDS)[number]

export type SimRecord =
  | { bad: null; value: SimEvent }
  | { bad: Exclude<BadKind, 'broken-json'>; value: Record<string, unknown> }
  /** Text that is not JSON at all: only an NDJSON line can carry it as such. */
  | { bad: 'broken-json'; value: string }

/** One NDJSON line (without the newline). */
export const recordToLine = (record: SimRecord): string =>
  typeof record.value === 'string' ? record.value : JSON.stringify(record.value)

/**
 * One element of an envelope's `events` array. An envelope must be valid JSON, so broken JSON travels as a
 * string element: still a record Vigia must quarantine, without spoiling the rest of the frame.
 */
export const recordToElement = (record: SimRecord): unknown => record.value
