// A batch's writes of gold_clients, one statement per client: the events' first and last seen, the plan of
// the client's latest connect, and what the live state moves (live_until, window bytes, devices, main and
// latest server). These were up to four statements over the same row in one batch: the upsert, the plan's
// update, live_until counted again and latest_server read again (on the benchmark's feed the plan's update
// cost about 0.5 µs an event and latest_server's 0.9, beside 5.7 for the upsert). Each combination of what a
// client's row takes is a statement of its own, prepared at first use.
import type { Statement } from 'better-sqlite3'
import type { Db } from '../db/open'
import type { MainServer } from './client-servers'

/**
 * The server of the client's devices' latest connect: with max(), SQLite takes the bare `server` from the
 * device whose connect is the latest (the heavy-user table's server for a client without usage in its window).
 */
export const LATEST_SERVER_SQL = (client: string) =>
  `(SELECT server FROM (SELECT server, max(connect_ts) FROM gold_devices WHERE client = ${client}))`

/** The latest last_seen of the client's devices whose status is a connect: its live_until counted again. */
const LIVE_UNTIL_SQL = `(SELECT max(last_seen) FROM gold_devices WHERE client = ? AND status = 'connect')`

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

const MAIN = 1
const RECOUNT = 2
const LATEST = 4
const PLAN = 8

export class ClientRows {
  private readonly upserts = new Map<number, Statement>()
  private readonly updates = new Map<number, Statement>()

  constructor(private readonly db: Db) {}

  /** Writes a client the batch's events name: its row is created if it has none. */
  upsert(client: string, seen: ClientSeen, write: ClientWrite): void {
    const { until, bytes, devices, main } = write.move
    const flags = flagsOf(write) | (seen.plan ? PLAN : 0)
    let stmt = this.upserts.get(flags)
    if (!stmt) this.upserts.set(flags, (stmt = this.db.prepare(upsertSql(flags))))
    const args: unknown[] = [client, seen.first, seen.last]
    args.push(write.recount ? client : until, bytes, devices)
    if (main) args.push(main.server, main.bytes)
    if (seen.plan) args.push(seen.plan.plan, seen.plan.ts)
    if (write.latest) args.push(client)
    stmt.run(...args)
  }

  /** Writes a client the live state moved without the batch's events naming it: a row it already has. */
  update(client: string, write: ClientWrite): void {
    const { until, bytes, devices, main } = write.move
    const flags = flagsOf(write)
    let stmt = this.updates.get(flags)
    if (!stmt) this.updates.set(flags, (stmt = this.db.prepare(updateSql(flags))))
    const args: unknown[] = write.recount ? [client] : [until, until]
    args.push(bytes, devices)
    if (main) args.push(main.server, main.bytes)
    if (write.latest) args.push(client)
    stmt.run(...args, client)
  }
}

const flagsOf = (w: ClientWrite) =>
  (w.move.main ? MAIN : 0) | (w.recount ? RECOUNT : 0) | (w.latest ? LATEST : 0)

// live_until only forward, window bytes and devices added; the plan only from a connect at least as late as
// the row's (SET reads the row as it was, so both CASEs see the old plan_ts).
function upsertSql(flags: number): string {
  const columns = ['client', 'first_seen', 'last_seen', 'live_until', 'window_bytes', 'devices']
  const values = ['?', '?', '?', flags & RECOUNT ? LIVE_UNTIL_SQL : '?', '?', '?']
  const set = [
    'first_seen = min(first_seen, excluded.first_seen)',
    'last_seen = max(last_seen, excluded.last_seen)',
    flags & RECOUNT
      ? 'live_until = excluded.live_until'
      : 'live_until = coalesce(max(live_until, excluded.live_until), live_until, excluded.live_until)',
    'window_bytes = window_bytes + excluded.window_bytes',
    'devices = devices + excluded.devices',
  ]
  if (flags & MAIN) {
    columns.push('main_server', 'main_bytes')
    values.push('?', '?')
    set.push('main_server = excluded.main_server', 'main_bytes = excluded.main_bytes')
  }
  if (flags & PLAN) {
    const later = 'plan_ts IS NULL OR plan_ts <= excluded.plan_ts'
    columns.push('plan_mbps', 'plan_ts')
    values.push('?', '?')
    set.push(
      `plan_mbps = CASE WHEN ${later} THEN excluded.plan_mbps ELSE plan_mbps END`,
      `plan_ts = CASE WHEN ${later} THEN excluded.plan_ts ELSE plan_ts END`,
    )
  }
  if (flags & LATEST) {
    columns.push('latest_server')
    values.push(LATEST_SERVER_SQL('?'))
    set.push('latest_server = excluded.latest_server')
  }
  return `INSERT INTO gold_clients (${columns.join(', ')}) VALUES (${values.join(', ')})
    ON CONFLICT (client) DO UPDATE SET ${set.join(', ')}`
}

function updateSql(flags: number): string {
  const set = [
    flags & RECOUNT
      ? `live_until = ${LIVE_UNTIL_SQL}`
      : 'live_until = coalesce(max(live_until, ?), live_until, ?)',
    'window_bytes = window_bytes + ?',
    'devices = devices + ?',
  ]
  if (flags & MAIN) set.push('main_server = ?', 'main_bytes = ?')
  if (flags & LATEST) set.push(`latest_server = ${LATEST_SERVER_SQL('?')}`)
  return `UPDATE gold_clients SET ${set.join(', ')} WHERE client = ?`
}
