// Every device's state in a compact layout, so that the gold stage never reads gold_devices back: numbers in
// typed arrays, servers, clients and device types interned. A state object in a Map costs about 360 bytes
// of heap; a state here about BYTES_PER_DEVICE (heap and array buffers after filling 255,000 and 1,000,000
// states with the benchmark network's string lengths and 1.5 devices per client: 220 and 225 bytes, before
// minute_first_ts added 8). Most of it is strings: the device as the Map's key (~85 bytes with its entry),
// the client (~60, interned), the ip (~40); the numbers take ~61.
import type { DeviceState } from './device-states'
import { Interner } from './interner'
import { resized } from './resized'
import type { SeenCopy, SeenView } from './shared-seen'

export const BYTES_PER_DEVICE = 233

// Per device, in these slots: a missing number is NaN (SQLite stores no NaN, so none is ever real).
const PLAN = 0
const CONNECT_TS = 1
const STATUS_TS = 2
const FIRST_SEEN = 3
const LAST_SEEN = 4
const MINUTE_FIRST_TS = 5
const NUMBERS = 6
// Interned strings, 0 for null.
const SERVER = 0
const CLIENT = 1
const DEVICE_TYPE = 2
const STRINGS = 3

const STATUSES = [null, 'connect', 'disconnect'] as const

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n)

export class ResidentStates {
  /** Device -> its slot. */
  private readonly slots = new Map<string, number>()
  private readonly strings = new Interner()
  /** An ip is all but unique to its device: interning it would only add a Map entry. */
  private readonly ips: (string | null)[] = []
  private numbers = new Float64Array(0)
  private stringIds = new Int32Array(0)
  private statuses = new Uint8Array(0)
  /** Each device's slot in the memory shared with the readers (gold_devices.slot, migration 19). */
  private sharedSlots = new Float64Array(0)
  /** Each shared slot's slot here, plus one (0: none). */
  private bySharedSlot = new Int32Array(0)
  private highestShared = -1

  get size(): number {
    return this.slots.size
  }

  /** A copy of the device's state, undefined if it was never set. */
  get(device: string): DeviceState | undefined {
    const slot = this.slots.get(device)
    if (slot === undefined) return undefined
    const n = slot * NUMBERS
    const s = slot * STRINGS
    return {
      device,
      server: this.strings.value(this.stringIds[s + SERVER]!),
      client: this.strings.value(this.stringIds[s + CLIENT]!),
      device_type: this.strings.value(this.stringIds[s + DEVICE_TYPE]!),
      plan_mbps: orNull(this.numbers[n + PLAN]!),
      ip: this.ips[slot]!,
      connect_ts: orNull(this.numbers[n + CONNECT_TS]!),
      status: STATUSES[this.statuses[slot]!]!,
      status_ts: orNull(this.numbers[n + STATUS_TS]!),
      first_seen: this.numbers[n + FIRST_SEEN]!,
      last_seen: this.numbers[n + LAST_SEEN]!,
      minute_first_ts: orNull(this.numbers[n + MINUTE_FIRST_TS]!),
    }
  }

  /** Sets the device's state, and for a device not set before its shared slot. */
  set(state: DeviceState, sharedSlot?: number): void {
    let slot = this.slots.get(state.device)
    if (slot === undefined) {
      if (sharedSlot === undefined) throw new Error(`device ${state.device} has no shared slot`)
      slot = this.slots.size
      if (slot === this.statuses.length) this.grow()
      this.slots.set(state.device, slot)
      this.sharedSlots[slot] = sharedSlot
      if (sharedSlot >= this.bySharedSlot.length)
        this.bySharedSlot = resized(this.bySharedSlot, Math.max(1024, sharedSlot * 2))
      this.bySharedSlot[sharedSlot] = slot + 1
      this.highestShared = Math.max(this.highestShared, sharedSlot)
    }
    const n = slot * NUMBERS
    const s = slot * STRINGS
    this.numbers[n + PLAN] = state.plan_mbps ?? NaN
    this.numbers[n + CONNECT_TS] = state.connect_ts ?? NaN
    this.numbers[n + STATUS_TS] = state.status_ts ?? NaN
    this.numbers[n + FIRST_SEEN] = state.first_seen
    this.numbers[n + LAST_SEEN] = state.last_seen
    this.numbers[n + MINUTE_FIRST_TS] = state.minute_first_ts ?? NaN
    this.stringIds[s + SERVER] = this.strings.id(state.server)
    this.stringIds[s + CLIENT] = this.strings.id(state.client)
    this.stringIds[s + DEVICE_TYPE] = this.strings.id(state.device_type)
    this.statuses[slot] = STATUSES.indexOf(state.status)
    this.ips[slot] = state.ip
  }

  /**
   * Sets the numbers of a device `set` before that only first and last seen can move (a fold with no connect
   * or status change for it): the strings need not be looked up again.
   */
  setSeen(state: DeviceState): void {
    const slot = this.slots.get(state.device)
    if (slot === undefined) return this.set(state)
    const n = slot * NUMBERS
    this.numbers[n + FIRST_SEEN] = state.first_seen
    this.numbers[n + LAST_SEEN] = state.last_seen
    this.numbers[n + MINUTE_FIRST_TS] = state.minute_first_ts ?? NaN
  }

  /** The states' last_seen and minute_first_ts by shared slot, as the readers' shared memory holds them. */
  seenView(): SeenView {
    const at = (sharedSlot: number, column: number) => {
      const slot = (this.bySharedSlot[sharedSlot] ?? 0) - 1
      return slot < 0 ? undefined : this.numbers[slot * NUMBERS + column]!
    }
    return {
      lastSeen: (sharedSlot, stored) => at(sharedSlot, LAST_SEEN) ?? stored,
      minuteFirst: (sharedSlot, stored) => {
        const ts = at(sharedSlot, MINUTE_FIRST_TS)
        return ts === undefined ? stored : orNull(ts)
      },
      stillValid: () => true,
      release: () => undefined,
    }
  }

  /** Every device's last_seen and latest minute's first ts, by its shared slot, for the readers' copy. */
  seenCopy(): SeenCopy {
    const { sharedSlots, numbers } = this
    const size = this.slots.size
    return {
      slots: this.highestShared + 1,
      writeInto: (values) => {
        for (let slot = 0; slot < size; slot++) {
          const at = sharedSlots[slot]! * 2
          values[at] = numbers[slot * NUMBERS + LAST_SEEN]!
          values[at + 1] = numbers[slot * NUMBERS + MINUTE_FIRST_TS]!
        }
      },
    }
  }

  /** Doubles the room for states (a network grows by a few devices at a time, after its first load). */
  private grow(): void {
    const capacity = Math.max(1024, this.statuses.length * 2)
    this.numbers = resized(this.numbers, capacity * NUMBERS)
    this.stringIds = resized(this.stringIds, capacity * STRINGS)
    this.statuses = resized(this.statuses, capacity)
    this.sharedSlots = resized(this.sharedSlots, capacity)
  }
}
