// Every client's row of gold_clients, held by gold's thread in a compact layout (numbers in typed arrays,
// servers interned), so that a fold computes each client's new row in JavaScript and writes it whole, rather
// than asking SQL to combine the old row with what the fold moved. It is the first of the per-key states gold
// keeps in its own memory (#18, docs/pipeline.md "Gold's state in memory"): the devices' are
// resident-states.ts. After each commit gold's thread copies the rows it changed into memory the readers
// share (`takeChanges`, shared-clients.ts).
import { Interner } from './interner'
import { resized } from './resized'

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
export const NUMBERS = 8
// Interned servers, 0 for null.
export const MAIN_SERVER = 0
export const LATEST_SERVER = 1
export const STRINGS = 2

const orNull = (n: number): number | null => (Number.isNaN(n) ? null : n)

/** Where each number of a row is among its NUMBERS: what ClientsView.numberAt reads (shared-clients.ts). */
export const NUMBER_AT = {
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
 * What `set` changed since the last call of `takeChanges`: the slots written, and the clients and servers
 * first named since (all of them for `full`: the first changes of a ClientStates, or asked for again). The
 * arrays are the ClientStates' own, NUMBERS numbers and STRINGS server ids per slot: copy them before the
 * next `set`.
 */
export interface ClientChanges {
  full: boolean
  slots: Iterable<number>
  firstSlot: number
  names: readonly string[]
  firstServer: number
  servers: string[]
  slotCount: number
  serverCount: number
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
  /** The slots `set` since the last `takeChanges`, and where its names and servers ended. */
  private readonly changed = new Set<number>()
  private takenSlots = 0
  private takenServers = 1
  private takenOnce = false

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

  /** What `set` changed since the last call (everything for the first, or with `full`); starts again. */
  takeChanges(full = false): ClientChanges {
    const all = full || !this.takenOnce
    const changes: ClientChanges = {
      full: all,
      slots: all ? this.names.keys() : [...this.changed],
      firstSlot: all ? 0 : this.takenSlots,
      names: this.names.slice(all ? 0 : this.takenSlots),
      firstServer: all ? 1 : this.takenServers,
      servers: [],
      slotCount: this.names.length,
      serverCount: this.servers.size,
      numbers: this.numbers,
      serverIds: this.serverIds,
    }
    for (let id = changes.firstServer; id < this.servers.size; id++)
      changes.servers.push(this.servers.value(id)!)
    this.changed.clear()
    this.takenSlots = this.names.length
    this.takenServers = this.servers.size
    this.takenOnce = true
    return changes
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
    this.numbers = resized(this.numbers, capacity * NUMBERS)
    this.serverIds = resized(this.serverIds, capacity * STRINGS)
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
