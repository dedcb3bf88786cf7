// Every client's row of gold_clients, held by gold's thread in a compact layout (numbers in typed arrays,
// servers interned), so that a fold computes each client's new row in JavaScript and writes it whole, rather
// than asking SQL to combine the old row with what the fold moved. It is the first of the per-key states gold
// keeps in its own memory (#18, docs/pipeline.md "Gold's state in memory"): the devices' are
// resident-states.ts. After each commit gold sends the readers what changed (`takeDelta`), and each reader
// keeps a copy (`apply`, client-mirror.ts) in the same slots.
import { Interner } from './interner'

/** A gold_clients row. */
export interface ClientState {
  client: string
  plan_mbps: number | null
  plan_ts: number | null
  first_seen: number
  last_seen: number
  live_until: number | null
  window_bytes: number
  devices: number
  main_server: string | null
  main_bytes: number
  latest_server: string | null
}

/** gold_clients' columns, in the order of the rows `ClientStates` reads and writes. */
export const CLIENT_COLUMNS = [
  'client',
  'plan_mbps',
  'plan_ts',
  'first_seen',
  'last_seen',
  'live_until',
  'window_bytes',
  'devices',
  'main_server',
  'main_bytes',
  'latest_server',
] as const satisfies readonly (keyof ClientState)[]

/** A row in CLIENT_COLUMNS' order. */
export type ClientRow = [
  client: string,
  plan_mbps: number | null,
  plan_ts: number | null,
  first_seen: number,
  last_seen: number,
  live_until: number | null,
  window_bytes: number,
  devices: number,
  main_server: string | null,
  main_bytes: number,
  latest_server: string | null,
]

// Per client, in these slots: a missing number is NaN (SQLite stores no NaN, so none is ever real).
const PLAN = 0
const PLAN_TS = 1
const FIRST_SEEN = 2
const LAST_SEEN = 3
const LIVE_UNTIL = 4
const WINDOW_BYTES = 5
const DEVICES = 6
const MAIN_BYTES = 7
const NUMBERS = 8
// Interned servers, 0 for null.
const MAIN_SERVER = 0
const LATEST_SERVER = 1
const STRINGS = 2

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n)

/** The numbers of a row, by column: what `numberAt` reads. */
const NUMBER_AT = {
  plan_mbps: PLAN,
  plan_ts: PLAN_TS,
  first_seen: FIRST_SEEN,
  last_seen: LAST_SEEN,
  live_until: LIVE_UNTIL,
  window_bytes: WINDOW_BYTES,
  devices: DEVICES,
  main_bytes: MAIN_BYTES,
} as const

export type ClientNumber = keyof typeof NUMBER_AT

/**
 * What one commit of gold changed in the clients' rows, as gold's thread sends it to the readers: the rows of
 * the slots it wrote, with the clients and servers first named since the last delta. A reset replaces a
 * reader's copy (the first delta of a ClientStates, or one asked for by a new reader).
 */
export interface ClientDelta {
  /** Gold's epoch and watermark once the commit is in (docs/pipeline.md, "Gold's state in memory"). */
  epoch: number
  watermark: number
  reset: boolean
  /** Clients given slots since the last delta: the slots from `firstSlot` on, in order. */
  firstSlot: number
  names: string[]
  /** Servers given ids since the last delta: the ids from `firstServer` on, in order. */
  firstServer: number
  servers: string[]
  /** The rows written: their slots, NUMBERS numbers and STRINGS server ids each. */
  slots: Int32Array
  numbers: Float64Array
  serverIds: Int32Array
}

export class ClientStates {
  /** Client -> its slot. */
  private readonly slots = new Map<string, number>()
  /** Slot -> its client. */
  private readonly names: string[] = []
  private readonly servers = new Interner()
  private numbers = new Float64Array(0)
  private serverIds = new Int32Array(0)
  /** The slots `set` since the last delta, and where the last delta's names and servers ended. */
  private readonly changed = new Set<number>()
  private sentSlots = 0
  private sentServers = 1
  private sentOnce = false

  get size(): number {
    return this.slots.size
  }

  /** A copy of the client's row, undefined for a client without one. */
  get(client: string): ClientState | undefined {
    const slot = this.slots.get(client)
    if (slot === undefined) return undefined
    const n = slot * NUMBERS
    const s = slot * STRINGS
    return {
      client,
      plan_mbps: orNull(this.numbers[n + PLAN]!),
      plan_ts: orNull(this.numbers[n + PLAN_TS]!),
      first_seen: this.numbers[n + FIRST_SEEN]!,
      last_seen: this.numbers[n + LAST_SEEN]!,
      live_until: orNull(this.numbers[n + LIVE_UNTIL]!),
      window_bytes: this.numbers[n + WINDOW_BYTES]!,
      devices: this.numbers[n + DEVICES]!,
      main_server: this.servers.value(this.serverIds[s + MAIN_SERVER]!),
      main_bytes: this.numbers[n + MAIN_BYTES]!,
      latest_server: this.servers.value(this.serverIds[s + LATEST_SERVER]!),
    }
  }

  /** Slots 0 to slotCount - 1 hold a client each (`clientAt`, `numberAt`). */
  get slotCount(): number {
    return this.names.length
  }

  clientAt(slot: number): string {
    return this.names[slot]!
  }

  /** A number of the row in `slot`, NaN for null: for passes over every client without a row object each. */
  numberAt(slot: number, column: ClientNumber): number {
    return this.numbers[slot * NUMBERS + NUMBER_AT[column]]!
  }

  /** Every client's row, in no particular order. */
  *all(): IterableIterator<ClientState> {
    for (const client of this.slots.keys()) yield this.get(client)!
  }

  set(state: ClientState): void {
    const slot = this.slotOf(state.client)
    this.changed.add(slot)
    const n = slot * NUMBERS
    const s = slot * STRINGS
    this.numbers[n + PLAN] = state.plan_mbps ?? NaN
    this.numbers[n + PLAN_TS] = state.plan_ts ?? NaN
    this.numbers[n + FIRST_SEEN] = state.first_seen
    this.numbers[n + LAST_SEEN] = state.last_seen
    this.numbers[n + LIVE_UNTIL] = state.live_until ?? NaN
    this.numbers[n + WINDOW_BYTES] = state.window_bytes
    this.numbers[n + DEVICES] = state.devices
    this.numbers[n + MAIN_BYTES] = state.main_bytes
    this.serverIds[s + MAIN_SERVER] = this.servers.id(state.main_server)
    this.serverIds[s + LATEST_SERVER] = this.servers.id(state.latest_server)
  }

  /**
   * The rows `set` since the last delta (every row for the first one, or with `reset`), with gold's epoch
   * and watermark; the next delta starts from here.
   */
  takeDelta(epoch: number, watermark: number, reset = false): ClientDelta {
    const full = reset || !this.sentOnce
    const firstSlot = full ? 0 : this.sentSlots
    const firstServer = full ? 1 : this.sentServers
    const slots = full ? Int32Array.from(this.names.keys()) : Int32Array.from(this.changed)
    const numbers = new Float64Array(slots.length * NUMBERS)
    const serverIds = new Int32Array(slots.length * STRINGS)
    slots.forEach((slot, i) => {
      numbers.set(this.numbers.subarray(slot * NUMBERS, (slot + 1) * NUMBERS), i * NUMBERS)
      serverIds.set(this.serverIds.subarray(slot * STRINGS, (slot + 1) * STRINGS), i * STRINGS)
    })
    const servers: string[] = []
    for (let id = firstServer; id < this.servers.size; id++) servers.push(this.servers.value(id)!)
    const delta: ClientDelta = {
      epoch,
      watermark,
      reset: full,
      firstSlot,
      names: this.names.slice(firstSlot),
      firstServer,
      servers,
      slots,
      numbers,
      serverIds,
    }
    this.changed.clear()
    this.sentSlots = this.names.length
    this.sentServers = this.servers.size
    this.sentOnce = true
    return delta
  }

  /**
   * Applies a delta taken from the ClientStates of gold's thread, whose slots and server ids this copy
   * shares: a reset to a new, empty copy; any other to the copy the previous deltas made.
   */
  apply(delta: ClientDelta): void {
    if (delta.firstSlot !== this.names.length || delta.firstServer !== this.servers.size)
      throw new Error('a client delta out of order')
    for (const name of delta.names) this.slotOf(name)
    for (const server of delta.servers) this.servers.id(server)
    delta.slots.forEach((slot, i) => {
      this.numbers.set(delta.numbers.subarray(i * NUMBERS, (i + 1) * NUMBERS), slot * NUMBERS)
      this.serverIds.set(delta.serverIds.subarray(i * STRINGS, (i + 1) * STRINGS), slot * STRINGS)
    })
  }

  private slotOf(client: string): number {
    let slot = this.slots.get(client)
    if (slot === undefined) {
      slot = this.names.length
      if (slot * NUMBERS === this.numbers.length) this.grow()
      this.slots.set(client, slot)
      this.names.push(client)
    }
    return slot
  }

  /** Doubles the room for clients (a network grows by a few at a time, after its first read). */
  private grow(): void {
    const capacity = Math.max(1024, (this.numbers.length / NUMBERS) * 2)
    const numbers = new Float64Array(capacity * NUMBERS)
    numbers.set(this.numbers)
    this.numbers = numbers
    const serverIds = new Int32Array(capacity * STRINGS)
    serverIds.set(this.serverIds)
    this.serverIds = serverIds
  }
}

/** A ClientState from a row in CLIENT_COLUMNS' order. */
export const clientStateOf = (r: ClientRow): ClientState => ({
  client: r[0],
  plan_mbps: r[1],
  plan_ts: r[2],
  first_seen: r[3],
  last_seen: r[4],
  live_until: r[5],
  window_bytes: r[6],
  devices: r[7],
  main_server: r[8],
  main_bytes: r[9],
  latest_server: r[10],
})

/** A ClientState as a row in CLIENT_COLUMNS' order, for a statement's parameters. */
export const clientRowOf = (c: ClientState): ClientRow => [
  c.client,
  c.plan_mbps,
  c.plan_ts,
  c.first_seen,
  c.last_seen,
  c.live_until,
  c.window_bytes,
  c.devices,
  c.main_server,
  c.main_bytes,
  c.latest_server,
]
