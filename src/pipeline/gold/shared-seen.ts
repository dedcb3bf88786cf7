// Each device's last_seen and latest minute's first event (minute_first_ts), in memory that gold's thread and
// the readers share: the two columns of gold_devices that nearly every event moves, which the readers take
// from here (device-seen-sql.ts) rather than from the rows, so that gold may one day write those rows once a
// minute instead of in every fold (docs/pipeline.md, "Gold's state in memory"). They are numbers only,
// keyed by the device's slot (gold_devices.slot), which the readers' statements find in its row: no names
// need to travel.
//
// The same seqlock as the clients' rows (shared-clients.ts): gold's thread makes the sequence odd, copies a
// commit's changes, writes the epoch and watermark they are of, and makes it even again; a reader takes the
// values only while the sequence is even and the same before and after it read them (`stillValid`).

/** A commit's changes: each changed device's slot, last_seen and minute_first_ts (NaN for null). */
export interface SeenChanges {
  /** Every device's, after gold read its states again (a rollback, a rebuild, retention). */
  full: boolean
  slots: Float64Array
  lastSeen: Float64Array
  minuteFirst: Float64Array
}

/** The shared memory, as gold's thread hands it to the readers. */
export interface SharedSeenBuffers {
  control: SharedArrayBuffer
  values: SharedArrayBuffer
}

// control: the sequence as Int32; gold's epoch and watermark as Float64 from byte 8. values: per slot,
// last_seen then minute_first_ts.
const SEQ = 0
const EPOCH = 0
const WATERMARK = 1
const PER_ROW = 2
const LAST_SEEN = 0
const MINUTE_FIRST = 1

/** Slots the shared memory holds at most (virtual memory reserved, 64 MiB; used as it grows). */
const MAX_SLOT = 4 * 2 ** 20
const START_ROWS = 1024

export class SharedSeenWriter {
  readonly buffers: SharedSeenBuffers
  private readonly control: Int32Array
  private readonly gold: Float64Array
  private readonly values: Float64Array

  /** Over `buffers` made by `allocate` (another thread may hold them already), or new ones. */
  constructor(buffers: SharedSeenBuffers = SharedSeenWriter.allocate()) {
    this.buffers = buffers
    this.control = new Int32Array(this.buffers.control, 0, 1)
    this.gold = new Float64Array(this.buffers.control, 8, 2)
    // Length-tracking: follows the buffer as it grows.
    this.values = new Float64Array(this.buffers.values)
  }

  /** Shared memory that holds no gold yet. */
  static allocate(): SharedSeenBuffers {
    const buffers = {
      control: new SharedArrayBuffer(24),
      values: new SharedArrayBuffer(START_ROWS * PER_ROW * 8, { maxByteLength: MAX_SLOT * PER_ROW * 8 }),
    }
    new Float64Array(buffers.control, 8, 2).fill(-1)
    return buffers
  }

  /**
   * Copies a commit's changes in, as of gold's `epoch` and `watermark`. Null changes (gold does not hold every
   * device in memory), a slot not known or past MAX_SLOT leave the epoch and watermark behind: the readers
   * then read the rows, until a whole copy. Returns whether the changes were taken; if not, publish a whole
   * copy next.
   */
  publish(changes: SeenChanges | null, epoch: number, watermark: number): boolean {
    const { slots } = changes ?? { slots: null }
    let highest = -1
    if (slots) for (const slot of slots) highest = Number.isNaN(slot) ? Infinity : Math.max(highest, slot)
    const usable = changes !== null && highest < MAX_SLOT && (changes.full || this.gold[EPOCH] === epoch)
    Atomics.add(this.control, SEQ, 1)
    if (usable) {
      this.grow(highest + 1)
      for (let i = 0; i < slots!.length; i++) {
        const at = slots![i]! * PER_ROW
        this.values[at + LAST_SEEN] = changes.lastSeen[i]!
        this.values[at + MINUTE_FIRST] = changes.minuteFirst[i]!
      }
      this.gold[EPOCH] = epoch
      this.gold[WATERMARK] = watermark
    } else this.gold[EPOCH] = this.gold[WATERMARK] = -1
    Atomics.add(this.control, SEQ, 1)
    return usable
  }

  private grow(rows: number): void {
    const { values } = this.buffers
    const bytes = rows * PER_ROW * 8
    if (values.byteLength < bytes)
      values.grow(Math.min(values.maxByteLength, Math.max(bytes, values.byteLength * 2)))
  }
}

/** The values of one gold, read in place: check `stillValid()` once done with them. */
export interface SeenView {
  /** The device's last_seen; `stored` is its row's, for a view that holds only some devices. */
  lastSeen(slot: number, stored: number): number
  /** Null when retention removed the device's latest minute. */
  minuteFirst(slot: number, stored: number | null): number | null
  /**
   * Whether what was read holds: no value was asked for, or gold's thread left them alone meanwhile (and
   * every slot asked was held).
   */
  stillValid(): boolean
}

/** A reader's side. */
export class SharedSeen {
  private control: Int32Array | null = null
  private gold: Float64Array | null = null
  private values: Float64Array | null = null

  /** The shared memory gold's thread sent. */
  attach(buffers: SharedSeenBuffers): void {
    this.control = new Int32Array(buffers.control, 0, 1)
    this.gold = new Float64Array(buffers.control, 8, 2)
    this.values = new Float64Array(buffers.values)
  }

  /** The values of gold's `epoch` and `watermark`, or null if the shared memory does not hold them now. */
  open(epoch: number, watermark: number): SeenView | null {
    const { control, gold, values } = this
    if (!control || !gold || !values) return null
    const seq = Atomics.load(control, SEQ)
    if (seq % 2 === 1 || gold[EPOCH] !== epoch || gold[WATERMARK] !== watermark) return null
    // A slot past the values (none the copy holds) voids the view rather than answer NaN. A read that asked
    // for no value holds whatever gold's thread copied meanwhile.
    let missed = false
    let used = false
    const at = (slot: number, column: number) => {
      used = true
      const i = slot * PER_ROW + column
      if (i >= values.length) missed = true
      return values[i] ?? NaN
    }
    return {
      lastSeen: (slot) => at(slot, LAST_SEEN),
      minuteFirst: (slot) => {
        const ts = at(slot, MINUTE_FIRST)
        return Number.isNaN(ts) ? null : ts
      },
      stillValid: () => !missed && (!used || Atomics.load(control, SEQ) === seq),
    }
  }
}

/**
 * The view of a read transaction whose gold the shared memory does not hold, while the rows lag it: it
 * answers the rows' values, and voids the read that asks for one (most reads never do: the live state, the
 * connected devices per second).
 */
export function missingSeenView(): SeenView {
  let used = false
  return {
    lastSeen: (_slot, stored) => {
      used = true
      return stored
    },
    minuteFirst: (_slot, stored) => {
      used = true
      return stored
    },
    stillValid: () => !used,
  }
}
