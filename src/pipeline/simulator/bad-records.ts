// Deliberate faults, one per bad record, each of a kind Vigia must quarantine with a reason (see
// docs/protocol.md, "Reject reasons"). Draws come from their own stream so the share of bad records can
// change without changing the traffic around them.
import type { Rng } from './random'
import { BAD_KINDS, type BadKind, type SimEvent, type SimRecord } from './records'

// Far beyond the 24 h tolerance whatever the importing machine's clock says: 2100-01-01T00:00:00Z.
const FAR_FUTURE = Date.UTC(2100, 0, 1)
const YEAR_MS = 365 * 86_400_000
const UNKNOWN_TYPES = ['reboot', 'Usage', 'heartbeat', 'CONNECT'] as const

export function corrupt(event: SimEvent, rng: Rng): SimRecord {
  const kind = rng.pick(BAD_KINDS)
  return corruptAs(
    kind === 'negative-bytes' && event.type !== 'usage' && event.type !== 'flow' ? 'missing-field' : kind,
    event,
    rng,
  )
}

function corruptAs(kind: BadKind, event: SimEvent, rng: Rng): SimRecord {
  const value: Record<string, unknown> = { ...event }
  switch (kind) {
    case 'negative-bytes':
      if (event.type === 'usage') value[rng.chance(0.5) ? 'bytes_down' : 'bytes_up'] = -rng.int(1, 1_000_000)
      else value.bytes = -rng.int(1, 1_000_000)
      return { bad: kind, value }
    case 'missing-field':
      delete value[rng.pick(requiredFields(event))]
      return { bad: kind, value }
    case 'unknown-type':
      value.type = rng.pick(UNKNOWN_TYPES)
      return { bad: kind, value }
    case 'future-ts':
      value.ts = FAR_FUTURE + rng.int(0, YEAR_MS)
      return { bad: kind, value }
    case 'broken-json': {
      // Any strict prefix of a JSON object lacks its closing brace, so it never parses.
      const text = JSON.stringify(event)
      return { bad: kind, value: text.slice(0, rng.int(1, text.length - 1)) }
    }
  }
}

/** Fields whose absence is a reject for this type ('type' itself excluded: that is another fault). */
function requiredFields(event: SimEvent): readonly string[] {
  switch (event.type) {
    case 'connect':
      return ['id', 'ts', 'server', 'device', 'client']
    case 'disconnect':
      return ['id', 'ts', 'server', 'device']
    case 'usage':
      return ['id', 'ts', 'server', 'device', 'client', 'bytes_down', 'bytes_up']
    case 'flow':
      return ['id', 'ts', 'device', 'peer', 'bytes']
  }
}
