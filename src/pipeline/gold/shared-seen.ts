// Each device's last_seen and latest minute's first event (minute_first_ts), in memory that gold's thread and
// the readers share: the two columns of gold_devices that nearly every event moves, which the readers take
// from here (db/device-seen.ts) rather than from the rows, since gold's thread writes a row whose last seen
// alone moved only once it has lagged a minute (DeviceStates, deferSeen; docs/pipeline.md, "Gold's state in
// memory"). They are numbers only, keyed by the device's slot (gold_devices.slot), which the readers'
// statements find in its row: no names need to travel.
//
// Several copies, each of one gold (epoch and watermark) and each under a seqlock: after each commit gold's
// thread writes every device's values into a copy no reader reads (the copy of the oldest gold), and a reader
// pins the copy of its read transaction's gold for as long as it reads (`open` ... `release`). A read that
// spans any number of gold's commits holds, where with one copy, rewritten in place, a read that spanned a
// commit was void: under a feed of 3,000 events/s the Overview after a range change at 100,000 devices read
// again and again, then replayed silver (17 s). Writing every device's values costs about a millisecond at
// 255,000 devices.

/** Every device's last seen, as gold's memory holds them after a commit, written into a copy. */
export interface SeenCopy {
  /** One past the highest slot. */
  slots: number
  /** Writes each device's last_seen and minute_first_ts (NaN for null) at its slot. */
  writeInto(values: Float64Array): void
}

/** The shared memory, as gold's thread hands it to the readers. */
export interface SharedSeenBuffers {
  control: SharedArrayBuffer
  values: SharedArrayBuffer[]
}

// COPIES copies, each of one gold. control, as Int32: each copy's sequence, then each copy's pins (readers
// reading it); from GOLD_AT, as Float64, each copy's gold epoch and watermark. values: per slot, last_seen
// then minute_first_ts.
const COPIES = 4
const PINS = COPIES
const GOLD_AT = 8 * COPIES
const PER_ROW = 2
const LAST_SEEN = 0
const MINUTE_FIRST = 1

/** Slots the shared memory holds at most (virtual memory reserved, 64 MiB a copy; used as it grows). */
const MAX_SLOT = 4 * 2 ** 20
const START_ROWS = 1024

export class SharedSeenWriter {
  readonly buffers: SharedSeenBuffers
  private readonly control: Int32Array
  private readonly gold: Float64Array
  private readonly values: Float64Array[]
  /** The copy of gold's last commit. */
  private newest = -1

  /** Over `buffers` made by `allocate` (another thread may hold them already), or new ones. */
  constructor(buffers: SharedSeenBuffers = SharedSeenWriter.allocate()) {
    this.buffers = buffers
    this.control = new Int32Array(buffers.control, 0, 2 * COPIES)
    this.gold = new Float64Array(buffers.control, GOLD_AT, 2 * COPIES)
    // Length-tracking: they follow the buffers as they grow.
    this.values = buffers.values.map((buffer) => new Float64Array(buffer))
  }

  /** Shared memory that holds no gold yet. */
  static allocate(): SharedSeenBuffers {
    const buffers: SharedSeenBuffers = {
      control: new SharedArrayBuffer(GOLD_AT + 16 * COPIES),
      values: Array.from(
        { length: COPIES },
        () => new SharedArrayBuffer(START_ROWS * PER_ROW * 8, { maxByteLength: MAX_SLOT * PER_ROW * 8 }),
      ),
    }
    new Float64Array(buffers.control, GOLD_AT, 2 * COPIES).fill(-1)
    return buffers
  }

  /**
   * Writes every device's last seen after a commit, as of gold's `epoch` and `watermark`, into a copy no
   * reader reads (the copy of the oldest gold). Returns false when it could not: no copy free (every other
   * one read), too many slots, or no states (`copy` null: gold does not hold every device in memory); the
   * readers then find no copy of that gold.
   */
  publish(copy: SeenCopy | null, epoch: number, watermark: number): boolean {
    if (!copy || copy.slots > MAX_SLOT) return false
    let target = -1
    for (let c = 0; c < COPIES; c++)
      if (c !== this.newest && Atomics.load(this.control, PINS + c) === 0)
        if (target < 0 || this.gold[c * 2 + 1]! < this.gold[target * 2 + 1]!) target = c
    if (target < 0) return false
    Atomics.add(this.control, target, 1)
    // A reader that pinned it meanwhile sees the sequence move, and lets it go.
    const buffer = this.buffers.values[target]!
    const bytes = copy.slots * PER_ROW * 8
    if (buffer.byteLength < bytes)
      buffer.grow(Math.min(buffer.maxByteLength, Math.max(bytes, buffer.byteLength * 2)))
    copy.writeInto(this.values[target]!)
    this.gold[target * 2] = epoch
    this.gold[target * 2 + 1] = watermark
    Atomics.add(this.control, target, 1)
    this.newest = target
    return true
  }
}

/** The values of one gold, read in place: check `stillValid()` once done with them, then `release()`. */
export interface SeenView {
  /** The device's last_seen; `stored` is its row's, for a view that holds only some devices. */
  lastSeen(slot: number, stored: number): number
  /** Null when retention removed the device's latest minute. */
  minuteFirst(slot: number, stored: number | null): number | null
  /** Whether what was read holds: no value was asked for, or the values were left alone meanwhile. */
  stillValid(): boolean
  /** Done with it: gold's thread may write its copy again. */
  release(): void
}

/** A reader's side. */
export class SharedSeen {
  private control: Int32Array | null = null
  private gold: Float64Array | null = null
  private values: Float64Array[] = []

  /** The shared memory gold's thread sent. */
  attach(buffers: SharedSeenBuffers): void {
    this.control = new Int32Array(buffers.control, 0, 2 * COPIES)
    this.gold = new Float64Array(buffers.control, GOLD_AT, 2 * COPIES)
    this.values = buffers.values.map((buffer) => new Float64Array(buffer))
  }

  /**
   * The copy of gold's `epoch` and `watermark`, pinned (gold's thread leaves it alone until `release`), or
   * null if the shared memory holds none now.
   */
  open(epoch: number, watermark: number): SeenView | null {
    const { control, gold } = this
    if (!control || !gold) return null
    for (let c = 0; c < COPIES; c++) {
      const seq = Atomics.load(control, c)
      if (seq % 2 === 1 || gold[c * 2] !== epoch || gold[c * 2 + 1] !== watermark) continue
      Atomics.add(control, PINS + c, 1)
      // Gold's thread may have chosen it before the pin: then its sequence moved.
      if (Atomics.load(control, c) === seq) return viewOf(this.values[c]!, control, c, seq)
      Atomics.sub(control, PINS + c, 1)
    }
    return null
  }
}

/** A pinned copy. A slot past its values (none the copy holds) voids the view rather than answer NaN. */
function viewOf(values: Float64Array, control: Int32Array, copy: number, seq: number): SeenView {
  let missed = false
  let released = false
  const at = (slot: number, column: number) => {
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
    stillValid: () => !missed && Atomics.load(control, copy) === seq,
    release: () => {
      if (!released) Atomics.sub(control, PINS + copy, 1)
      released = true
    },
  }
}

/**
 * A read transaction's view: of its gold in the shared memory (`held`, if any holds it); else, while the rows
 * lag (seen-marker.ts `behind` >= 0), one that voids a read that asks (`missingSeenView`); else none, the rows
 * being whole.
 */
export const seenViewOf = (held: SeenView | null, behind: number): SeenView | null =>
  held ?? (behind >= 0 ? missingSeenView() : null)

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
    release: () => undefined,
  }
}
