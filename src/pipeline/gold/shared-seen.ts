// Each device's last_seen and latest minute's first event (minute_first_ts), in memory that gold's thread and
// the readers share: the two columns of gold_devices that nearly every event moves, which the readers take
// from here (device-seen-sql.ts) rather than from the rows, so that gold may one day write those rows once a
// minute instead of in every fold (docs/pipeline.md, "Gold's state in memory"). They are numbers only,
// keyed by the device's slot (gold_devices.slot), which the readers' statements find in its row: no names
// need to travel.
//
// Two copies, each under a seqlock as the clients' rows are (shared-clients.ts): gold's thread makes the
// older copy's sequence odd, copies the changes of its last two commits in, writes the epoch and watermark
// they are of, and makes it even again; a reader takes the copy of its read transaction's gold while its
// sequence is even and the same before and after it read them (`stillValid`). With one copy, a read that
// spanned one of gold's commits was void: under a feed of 1,000 events/s, the Overview after a range change
// read again ten times and then replayed silver (about a second).

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
  /** Two copies: gold's thread writes the older, so that a read of the newer holds through a commit. */
  values: [SharedArrayBuffer, SharedArrayBuffer]
}

// control: each copy's sequence as Int32 (bytes 0 and 4); then each copy's gold epoch and watermark as
// Float64 (from byte 8). values: per slot, last_seen then minute_first_ts.
const GOLD_AT = 8
const PER_ROW = 2
const LAST_SEEN = 0
const MINUTE_FIRST = 1

/** Slots the shared memory holds at most (virtual memory reserved, 2 x 64 MiB; used as it grows). */
const MAX_SLOT = 4 * 2 ** 20
const START_ROWS = 1024

export class SharedSeenWriter {
  readonly buffers: SharedSeenBuffers
  private readonly seqs: Int32Array
  private readonly gold: Float64Array
  private readonly values: [Float64Array, Float64Array]
  /** The copy the next publish writes: the older. */
  private next = 0
  /** The changes the last publish wrote into the other copy, which this one lacks (null: none kept). */
  private previous: SeenChanges | null = null

  /** Over `buffers` made by `allocate` (another thread may hold them already), or new ones. */
  constructor(buffers: SharedSeenBuffers = SharedSeenWriter.allocate()) {
    this.buffers = buffers
    this.seqs = new Int32Array(buffers.control, 0, 2)
    this.gold = new Float64Array(buffers.control, GOLD_AT, 4)
    // Length-tracking: they follow the buffers as they grow.
    this.values = [new Float64Array(buffers.values[0]), new Float64Array(buffers.values[1])]
  }

  /** Shared memory that holds no gold yet. */
  static allocate(): SharedSeenBuffers {
    const copy = () =>
      new SharedArrayBuffer(START_ROWS * PER_ROW * 8, { maxByteLength: MAX_SLOT * PER_ROW * 8 })
    const buffers: SharedSeenBuffers = { control: new SharedArrayBuffer(40), values: [copy(), copy()] }
    new Float64Array(buffers.control, GOLD_AT, 4).fill(-1)
    return buffers
  }

  /**
   * Copies a commit's changes into the older copy, with those of the commit before (which it lacks), as of
   * gold's `epoch` and `watermark`. Null changes (gold does not hold every device in memory), or a slot not
   * known or past MAX_SLOT, leave that copy of no gold: the readers then read the rows, until a whole copy.
   * Returns whether the changes were taken; if not, publish a whole copy next.
   */
  publish(changes: SeenChanges | null, epoch: number, watermark: number): boolean {
    const copy = this.next
    const fits = changes !== null && highestSlot(changes) < MAX_SLOT
    const base = changes?.full || this.previous !== null
    const usable = fits && base
    Atomics.add(this.seqs, copy, 1)
    if (usable) {
      this.grow(copy, Math.max(highestSlot(changes), this.previous ? highestSlot(this.previous) : -1) + 1)
      if (!changes.full) this.apply(copy, this.previous!)
      this.apply(copy, changes)
      this.gold[copy * 2] = epoch
      this.gold[copy * 2 + 1] = watermark
    } else this.gold[copy * 2] = this.gold[copy * 2 + 1] = -1
    Atomics.add(this.seqs, copy, 1)
    this.previous = usable ? changes : null
    this.next = 1 - copy
    return usable
  }

  private apply(copy: number, { slots, lastSeen, minuteFirst }: SeenChanges): void {
    const values = this.values[copy]!
    for (let i = 0; i < slots.length; i++) {
      const at = slots[i]! * PER_ROW
      values[at + LAST_SEEN] = lastSeen[i]!
      values[at + MINUTE_FIRST] = minuteFirst[i]!
    }
  }

  private grow(copy: number, rows: number): void {
    const buffer = this.buffers.values[copy]!
    const bytes = rows * PER_ROW * 8
    if (buffer.byteLength < bytes)
      buffer.grow(Math.min(buffer.maxByteLength, Math.max(bytes, buffer.byteLength * 2)))
  }
}

/** The highest slot of some changes; Infinity for one not known (NaN). */
function highestSlot({ slots }: SeenChanges): number {
  let highest = -1
  for (const slot of slots) highest = Number.isNaN(slot) ? Infinity : Math.max(highest, slot)
  return highest
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
  private seqs: Int32Array | null = null
  private gold: Float64Array | null = null
  private values: [Float64Array, Float64Array] | null = null

  /** The shared memory gold's thread sent. */
  attach(buffers: SharedSeenBuffers): void {
    this.seqs = new Int32Array(buffers.control, 0, 2)
    this.gold = new Float64Array(buffers.control, GOLD_AT, 4)
    this.values = [new Float64Array(buffers.values[0]), new Float64Array(buffers.values[1])]
  }

  /** The values of gold's `epoch` and `watermark`, or null if the shared memory does not hold them now. */
  open(epoch: number, watermark: number): SeenView | null {
    const { seqs, gold, values: copies } = this
    if (!seqs || !gold || !copies) return null
    for (const copy of [0, 1]) {
      const seq = Atomics.load(seqs, copy)
      if (seq % 2 === 1 || gold[copy * 2] !== epoch || gold[copy * 2 + 1] !== watermark) continue
      // Read the gold after the sequence: a copy rewritten meanwhile shows it in its sequence.
      if (Atomics.load(seqs, copy) !== seq) continue
      return viewOf(copies[copy]!, () => Atomics.load(seqs, copy) === seq)
    }
    return null
  }
}

/**
 * A view of one copy. A slot past its values (none the copy holds) voids the view rather than answer NaN;
 * a read that asked for no value holds whatever gold's thread copied meanwhile.
 */
function viewOf(values: Float64Array, unchanged: () => boolean): SeenView {
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
    stillValid: () => !missed && (!used || unchanged()),
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
