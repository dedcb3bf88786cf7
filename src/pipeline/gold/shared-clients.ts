// Every client's gold_clients row, in memory that gold's thread and the readers share (SharedArrayBuffers):
// after each commit gold's thread copies the rows it wrote there (`SharedClientsWriter.publish`), and a
// reader reads them in place (`SharedClients.open`) for a read transaction of the same gold, rather than
// every row of gold_clients in SQL (docs/pipeline.md, "Gold's state in memory"). Nothing is copied per
// reader or per message: a first design sent each commit's rows by message, and in a live feed, where the
// client window moves every client's row each second, that was megabytes a commit, copied for every reader
// (peak RSS of the latency benchmark 606-645 -> 701-721 MB).
//
// A seqlock orders it: gold's thread makes the sequence odd, copies the rows, writes the epoch and watermark
// they are of, and makes it even again; a reader takes the rows only while the sequence is even and the same
// before and after it read them (`stillValid`). The clients' and servers' names are not numbers: they come by
// message (gold-broadcast.ts), new ones only, numbered by slot; the slots start again at 0 with each
// generation (a ClientStates read again after a rollback, a rebuild or another writer's commit).
import {
  LATEST_SERVER,
  MAIN_SERVER,
  NUMBER_AT,
  NUMBERS,
  STRINGS,
  type ClientChanges,
  type ClientNumber,
} from './client-states'

/** The shared memory, as gold's thread hands it to the readers. */
export interface SharedClientBuffers {
  control: SharedArrayBuffer
  numbers: SharedArrayBuffer
  serverIds: SharedArrayBuffer
}

/** The clients and servers first named by a commit, for the readers' lists of names. */
export interface ClientNames {
  generation: number
  firstSlot: number
  names: readonly string[]
  firstServer: number
  servers: readonly string[]
}

// control, as Int32: the sequence, the slots and servers in use, the generation; then, as Float64 from byte
// 16, gold's epoch and watermark.
const SEQ = 0
const SLOTS = 1
const SERVERS = 2
const GENERATION = 3
const EPOCH = 0
const WATERMARK = 1

/** Clients the shared memory holds at most (virtual memory reserved, 288 MiB; used as it grows). */
const MAX_CLIENTS = 4 * 2 ** 20
const START_CLIENTS = 1024

export class SharedClientsWriter {
  readonly buffers: SharedClientBuffers
  private readonly control: Int32Array
  private readonly gold: Float64Array
  private readonly numbers: Float64Array
  private readonly serverIds: Int32Array
  // Random at first: a reader that outlived a gold thread (an engine started again) never takes the new one's
  // slots for its old names of the same generation number.
  private generation = Math.floor(Math.random() * 2 ** 30)
  /** Past MAX_CLIENTS nothing more is published: the readers read SQL. */
  private overflowed = false

  constructor() {
    const shared = (bytes: number, max: number) => new SharedArrayBuffer(bytes, { maxByteLength: max })
    this.buffers = {
      control: new SharedArrayBuffer(32),
      numbers: shared(START_CLIENTS * NUMBERS * 8, MAX_CLIENTS * NUMBERS * 8),
      serverIds: shared(START_CLIENTS * STRINGS * 4, MAX_CLIENTS * STRINGS * 4),
    }
    this.control = new Int32Array(this.buffers.control, 0, 4)
    this.gold = new Float64Array(this.buffers.control, 16, 2)
    // Length-tracking views: they follow the buffers as they grow.
    this.numbers = new Float64Array(this.buffers.numbers)
    this.serverIds = new Int32Array(this.buffers.serverIds)
    this.gold[EPOCH] = this.gold[WATERMARK] = -1
  }

  /**
   * Copies a commit's changes in, as of gold's `epoch` and `watermark`. Returns the names the readers need
   * first (send them before the next publish), or null when there are none.
   */
  publish(changes: ClientChanges, epoch: number, watermark: number): ClientNames | null {
    // Past it the epoch and watermark stay behind, and the readers read SQL.
    if (this.overflowed || changes.slotCount > MAX_CLIENTS) {
      this.overflowed = true
      return null
    }
    if (changes.full) this.generation++
    Atomics.add(this.control, SEQ, 1)
    this.grow(changes.slotCount)
    for (const slot of changes.slots) {
      this.numbers.set(changes.numbers.subarray(slot * NUMBERS, (slot + 1) * NUMBERS), slot * NUMBERS)
      this.serverIds.set(changes.serverIds.subarray(slot * STRINGS, (slot + 1) * STRINGS), slot * STRINGS)
    }
    this.control[SLOTS] = changes.slotCount
    this.control[SERVERS] = changes.serverCount
    this.control[GENERATION] = this.generation
    this.gold[EPOCH] = epoch
    this.gold[WATERMARK] = watermark
    Atomics.add(this.control, SEQ, 1)
    if (!changes.full && changes.names.length === 0 && changes.servers.length === 0) return null
    return {
      generation: this.generation,
      firstSlot: changes.firstSlot,
      names: changes.names,
      firstServer: changes.firstServer,
      servers: changes.servers,
    }
  }

  private grow(slots: number): void {
    const need = (buffer: SharedArrayBuffer, bytes: number) => {
      if (buffer.byteLength < bytes)
        buffer.grow(Math.min(buffer.maxByteLength, Math.max(bytes, buffer.byteLength * 2)))
    }
    need(this.buffers.numbers, slots * NUMBERS * 8)
    need(this.buffers.serverIds, slots * STRINGS * 4)
  }
}

/** The clients' rows of one gold, read in place: check `stillValid()` once done with them. */
export interface ClientsView {
  readonly slotCount: number
  clientAt(slot: number): string
  /** A number of the row in `slot`, NaN for null. */
  numberAt(slot: number, column: ClientNumber): number
  serverAt(slot: number, column: 'main_server' | 'latest_server'): string | null
  /** Whether gold's thread left the rows alone while they were read: if not, what was read is void. */
  stillValid(): boolean
}

/** A reader's side: the shared memory, once gold's thread sent it, and the names. */
export class SharedClients {
  private control: Int32Array | null = null
  private gold: Float64Array | null = null
  private numbers: Float64Array | null = null
  private serverIds: Int32Array | null = null
  private generation = -1
  private names: string[] = []
  private servers: string[] = []

  /** The shared memory gold's thread sent (the same for every generation). */
  attach(buffers: SharedClientBuffers): void {
    this.control = new Int32Array(buffers.control, 0, 4)
    this.gold = new Float64Array(buffers.control, 16, 2)
    this.numbers = new Float64Array(buffers.numbers)
    this.serverIds = new Int32Array(buffers.serverIds)
  }

  /**
   * Takes names in the order gold's thread sent them; returns false when they do not follow those held (a
   * reader that started late): the reader then asks for all of them.
   */
  addNames(message: ClientNames): boolean {
    // Names of another generation, or sent again from the start for a reader that asked, replace those held.
    if (
      message.generation !== this.generation ||
      message.firstSlot !== this.names.length ||
      message.firstServer !== this.servers.length
    ) {
      if (message.firstSlot !== 0 || message.firstServer !== 1) return false
      this.generation = message.generation
      this.names = []
      this.servers = ['']
    }
    for (const name of message.names) this.names.push(name)
    for (const server of message.servers) this.servers.push(server)
    return true
  }

  /** The rows of gold's `epoch` and `watermark`, or null if the shared memory does not hold them now. */
  open(epoch: number, watermark: number): ClientsView | null {
    const { control, gold, numbers, serverIds } = this
    if (!control || !gold || !numbers || !serverIds) return null
    const seq = Atomics.load(control, SEQ)
    if (seq % 2 === 1) return null
    const slotCount = control[SLOTS]!
    if (
      gold[EPOCH] !== epoch ||
      gold[WATERMARK] !== watermark ||
      control[GENERATION] !== this.generation ||
      slotCount > this.names.length ||
      control[SERVERS]! > this.servers.length
    )
      return null
    const { names, servers } = this
    return {
      slotCount,
      clientAt: (slot) => names[slot]!,
      numberAt: (slot, column) => numbers[slot * NUMBERS + NUMBER_AT[column]]!,
      serverAt: (slot, column) => {
        const id = serverIds[slot * STRINGS + (column === 'main_server' ? MAIN_SERVER : LATEST_SERVER)]!
        return id === 0 ? null : servers[id]!
      },
      stillValid: () => Atomics.load(control, SEQ) === seq,
    }
  }
}
