// A batch's writes of gold_clients, one row per client: the events' first and last seen, the plan of the
// client's latest connect, and what the live state moves (live_until, window bytes, devices, main and latest
// server). Each client's row is kept in memory (ClientStates): its new row is computed here and written
// whole, by one statement, where SQL once combined the row it read with what the batch moved (sixteen
// statements, one per combination of what a row takes).
import { seenSql } from '../db/device-seen'
import type { Db } from '../db/open'
import {
  CLIENT_COLUMNS,
  ClientStates,
  clientRowOf,
  clientStateOf,
  type ClientChanges,
  type ClientRow,
  type ClientState,
} from './client-states'
import type { MainServer } from './client-servers'

/**
 * The server of the client's devices' latest connect: with max(), SQLite takes the bare `server` from the
 * device whose connect is the latest (the heavy-user table's server for a client without usage in its window).
 */
export const LATEST_SERVER_SQL = (client: string) =>
  `(SELECT server FROM (SELECT server, max(connect_ts) FROM gold_devices WHERE client = ${client}))`

/** The latest last_seen of the client's devices whose status is a connect: its live_until counted again. */
const LIVE_UNTIL_SQL = `SELECT max(${seenSql('gold_devices', 'last_seen')}) FROM gold_devices
  WHERE client = ? AND status = 'connect'`

/** What a batch moves in a client's row: a later live_until, bytes into or out of its window, devices. */
export interface ClientMove {
  until: number | null
  bytes: number
  devices: number
  /** The client's main server, when the batch moved its bytes on some server. */
  main?: MainServer
  /**
   * How many servers carried some of the client's usage in the window before the batch: set when the batch
   * moved its bytes on some server (its rows of gold_live_client_servers are written again).
   */
  serversBefore?: number
}

/** What a client's row takes from the live state in one batch. */
export interface ClientWrite {
  move: ClientMove
  /** A device left the client: its live_until is counted again from gold_devices (the move's is not used). */
  recount: boolean
  /** A device joined, left or connected again: its latest_server is read again from gold_devices. */
  latest: boolean
}

/** The plan of a client's latest connect in event time among a batch's (the later in the batch at a tie). */
export interface ClientPlan {
  plan: number | null
  ts: number
}

/** The client's columns as the batch's events name it, for `upsert`. */
export interface ClientSeen {
  first: number
  last: number
  plan?: ClientPlan
}

/** SQL's coalesce(max(a, b), a, b): the larger, or the one that is not null. */
const laterOf = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b)

export class ClientRows {
  private readonly allStmt
  private readonly putStmt
  private readonly liveUntilStmt
  private readonly latestServerStmt
  /** Every row of gold_clients as of the last batch; null until read, and after `forget`. */
  private states: ClientStates | null = null

  constructor(db: Db) {
    this.allStmt = db.prepare<[], ClientRow>(`SELECT ${CLIENT_COLUMNS.join(', ')} FROM gold_clients`).raw()
    const values = CLIENT_COLUMNS.slice(1)
    this.putStmt = db.prepare<ClientRow>(
      `INSERT INTO gold_clients (${CLIENT_COLUMNS.join(', ')}) VALUES (${CLIENT_COLUMNS.map(() => '?').join(', ')})
       ON CONFLICT (client) DO UPDATE SET ${values.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    )
    this.liveUntilStmt = db.prepare<[string], number | null>(LIVE_UNTIL_SQL).pluck()
    this.latestServerStmt = db.prepare<[string], string | null>(`SELECT ${LATEST_SERVER_SQL('?')}`).pluck()
  }

  /** Reads every row into memory, so that the first batch does not wait for them. */
  fill(): void {
    this.resident()
  }

  /** Forgets the rows kept (after a rollback, or SQL that wrote gold_clients): the next batch reads them. */
  forget(): void {
    this.states = null
  }

  /** The rows written since the last call, for the readers (ClientStates.takeChanges); read if forgotten. */
  takeChanges(full = false): ClientChanges {
    return this.resident().takeChanges(full)
  }

  /** Writes a client the batch's events name: its row is created if it has none. */
  upsert(client: string, seen: ClientSeen, write: ClientWrite): void {
    const s = this.resident().get(client) ?? {
      client,
      plan_mbps: null,
      plan_ts: null,
      first_seen: seen.first,
      last_seen: seen.last,
      live_until: null,
      window_bytes: 0,
      devices: 0,
      main_server: null,
      main_bytes: 0,
      latest_server: null,
    }
    s.first_seen = Math.min(s.first_seen, seen.first)
    s.last_seen = Math.max(s.last_seen, seen.last)
    // The plan only from a connect at least as late as the row's.
    if (seen.plan && (s.plan_ts === null || s.plan_ts <= seen.plan.ts)) {
      s.plan_mbps = seen.plan.plan
      s.plan_ts = seen.plan.ts
    }
    this.move(s, write)
  }

  /** Writes a client the live state moved without the batch's events naming it: a row it already has. */
  update(client: string, write: ClientWrite): void {
    const s = this.resident().get(client)
    if (s) this.move(s, write)
  }

  /**
   * What the live state moves in a row: live_until only forward (or counted again from gold_devices),
   * window bytes and devices added, the main server and the latest server when the batch names them; then
   * the row is written.
   */
  private move(s: ClientState, write: ClientWrite): void {
    const { until, bytes, devices, main } = write.move
    s.live_until = write.recount ? this.liveUntilStmt.get(s.client)! : laterOf(s.live_until, until)
    s.window_bytes += bytes
    s.devices += devices
    if (main) {
      s.main_server = main.server
      s.main_bytes = main.bytes
    }
    if (write.latest) s.latest_server = this.latestServerStmt.get(s.client)!
    this.put(s)
  }

  private put(s: ClientState): void {
    this.putStmt.run(...clientRowOf(s))
    this.states!.set(s)
  }

  private resident(): ClientStates {
    if (this.states) return this.states
    const states = new ClientStates()
    for (const r of this.allStmt.iterate()) states.set(clientStateOf(r))
    return (this.states = states)
  }
}
