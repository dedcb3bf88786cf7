// The heavy-client counts at a T after gold's newest second N, kept from one second to the next. A page
// left open asks the overview every second; after the traffic stops (or while the newest event lags the
// clock) each answer differs from the last only by the seconds that left each client's window. Counted
// afresh in SQL that took 110 ms at 20,000 clients and 520 ms at 100,000 (every client's parts of the
// seconds (N - 300 s, T - 300 s] decoded again each second): 20 % of a core with nothing coming in.
// Here the clients' rows are read once per snapshot, and each second reads only the seconds newly gone:
// whole minutes as their totals, a partial minute through a cursor into each of its rows' parts that
// moves forward with T. The counts are the SQL's exactly: the same integers, the same float comparisons.
import type { Db } from '../db/open'
import { SECONDS_PER_MINUTE } from '../db/usage-parts'
import { VarintReader } from '../db/varint'
import { CLIENT_WINDOW_S } from '../gold/live-state'
import { planClass } from './plan-class'

/** What the overview shows of the connected clients at T. */
export interface LiveCounts {
  connected: number
  heavy: number
  unknown: number
  low: number
  medium: number
  high: number
}

/** The rows of one minute of gold_client_usage_parts, each read second by second as T moves on. */
interface MinuteCursor {
  minute: number
  clients: Int32Array
  /** Per row, its parts: every reader stands at the second `next` (an index in the minute). */
  readers: VarintReader[]
  next: number
}

export class LiveHeavyCache {
  private readonly versionStmt
  private readonly clientsStmt
  private readonly totalsStmt
  private readonly partsStmt
  /** The snapshot the rows below are of, N included. */
  private key = ''
  private index = new Map<string, number>()
  private window = new Float64Array(0)
  private plan = new Float64Array(0)
  private liveUntil = new Float64Array(0)
  /** Per client, the bytes of the seconds (N - 300 s, takenTo] that have left its window. */
  private taken = new Float64Array(0)
  private takenTo = 0
  private cursor: MinuteCursor | null = null

  constructor(db: Db) {
    // Another connection's commit moves data_version; this connection's own writes move total_changes().
    this.versionStmt = db
      .prepare<[], string>(
        `SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes() || ':' ||
           (SELECT newest_sec FROM gold_live WHERE id = 1)`,
      )
      .pluck()
    this.clientsStmt = db
      .prepare<[], [string, number, number | null, number | null]>(
        'SELECT client, window_bytes, plan_mbps, live_until FROM gold_clients WHERE live_until IS NOT NULL',
      )
      .raw()
    this.totalsStmt = db
      .prepare<[number], [string, number]>(
        'SELECT client, bytes FROM gold_client_usage_parts WHERE minute = ?',
      )
      .raw()
    this.partsStmt = db
      .prepare<[number], [string, Buffer]>(
        'SELECT client, parts FROM gold_client_usage_parts WHERE minute = ?',
      )
      .raw()
  }

  /**
   * The counts at second `sec` after the anchor N (`sec > anchor`, and no event after T: nothing changed a
   * client since T), for connected clients whose live_until is after `from` (any live_until when null),
   * heavy at `bps` and above. Call it inside the read transaction that found N.
   */
  counts(anchor: number, sec: number, from: number | null, bps: number): LiveCounts {
    const key = this.versionStmt.get()!
    const stale = key !== this.key
    if (stale) {
      this.readClients()
      this.key = key
    }
    // A new snapshot, or a T before the last one asked: the seconds gone are counted again from N.
    if (stale || sec - CLIENT_WINDOW_S < this.takenTo) {
      this.taken.fill(0)
      this.takenTo = anchor - CLIENT_WINDOW_S
      this.cursor = null
    }
    this.takeUntil(sec - CLIENT_WINDOW_S)
    const counts: LiveCounts = { connected: 0, heavy: 0, unknown: 0, low: 0, medium: 0, high: 0 }
    for (let i = 0; i < this.window.length; i++) {
      if (from !== null && !(this.liveUntil[i]! > from)) continue
      counts.connected++
      const bytes = this.window[i]! - this.taken[i]!
      if (bytes > 0 && (bytes * 8.0) / CLIENT_WINDOW_S >= bps) counts.heavy++
      const plan = this.plan[i]!
      counts[planClass(Number.isNaN(plan) ? null : plan)]++
    }
    return counts
  }

  /** The clients with a live_until (the others are connected at no T after N). */
  private readClients(): void {
    const rows = this.clientsStmt.all()
    this.index = new Map()
    this.window = new Float64Array(rows.length)
    this.plan = new Float64Array(rows.length)
    this.liveUntil = new Float64Array(rows.length)
    this.taken = new Float64Array(rows.length)
    rows.forEach(([client, window, plan, liveUntil], i) => {
      this.index.set(client, i)
      this.window[i] = window
      this.plan[i] = plan ?? NaN
      this.liveUntil[i] = liveUntil ?? NaN
    })
  }

  /** Adds the seconds (takenTo, to] to `taken`: whole minutes as their totals, others second by second. */
  private takeUntil(to: number): void {
    while (this.takenTo < to) {
      const minute = Math.floor(this.takenTo / SECONDS_PER_MINUTE) + 1
      const start = (minute - 1) * SECONDS_PER_MINUTE
      const end = Math.min(to, minute * SECONDS_PER_MINUTE)
      if (this.takenTo === start && end === minute * SECONDS_PER_MINUTE) {
        for (const [client, bytes] of this.totalsStmt.all(minute)) this.add(client, bytes)
      } else {
        this.secondsOf(minute, this.takenTo - start, end - start)
      }
      this.takenTo = end
    }
  }

  private add(client: string, bytes: number): void {
    const i = this.index.get(client)
    if (i !== undefined) this.taken[i]! += bytes
  }

  /** Adds each row's seconds of `minute` with indexes from `first` up to (not including) `until`. */
  private secondsOf(minute: number, first: number, until: number): void {
    let cursor = this.cursor
    if (!cursor || cursor.minute !== minute || first < cursor.next) {
      const rows = this.partsStmt.all(minute)
      const what = `usage parts of minute ${minute}`
      cursor = {
        minute,
        clients: Int32Array.from(rows, ([client]) => this.index.get(client) ?? -1),
        readers: rows.map(([, parts]) => new VarintReader(parts, what)),
        next: 0,
      }
      this.cursor = cursor
    }
    for (let r = 0; r < cursor.readers.length; r++) {
      const reader = cursor.readers[r]!
      let sum = 0
      for (let second = cursor.next; second < until; second++) {
        const v = reader.next()
        if (second >= first) sum += v
      }
      const client = cursor.clients[r]!
      if (client >= 0) this.taken[client]! += sum
    }
    cursor.next = Math.max(cursor.next, until)
  }
}
