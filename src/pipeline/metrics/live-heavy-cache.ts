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
import { planClass, type PlanClass } from './plan-class'
import { snapshotKeyQuery } from './snapshot-key'

/** What the overview shows of the connected clients at T. */
export interface LiveCounts {
  connected: number
  heavy: number
  unknown: number
  low: number
  medium: number
  high: number
}

const CLASSES = ['low', 'medium', 'high', 'unknown'] as const satisfies readonly PlanClass[]

/**
 * What has left the window up to a time. A page asks the figures now every second and the same figures a
 * minute back every ten seconds (its trends): each of the two times moves forward on its own, so each keeps
 * its lane, and neither makes the other count from N again.
 */
interface Lane {
  /** Per client, the bytes of the seconds (N - 300 s, takenTo] that have left its window. */
  taken: Float64Array
  takenTo: number
  cursor: MinuteCursor | null
  usedAt: number
}

const LANES = 2

/** The rows of one minute of gold_client_usage_parts, each read second by second as T moves on. */
interface MinuteCursor {
  minute: number
  clients: Int32Array
  /** Per row, its parts: every reader stands at the second `next` (an index in the minute). */
  readers: VarintReader[]
  next: number
}

export class LiveHeavyCache {
  private readonly snapshotKey
  private readonly clientsStmt
  private readonly totalsStmt
  private readonly partsStmt
  /** The snapshot the rows below are of, N included. */
  private key = ''
  private index = new Map<string, number>()
  private window = new Float64Array(0)
  /** Per client, its plan's class as an index in CLASSES. */
  private classOf = new Uint8Array(0)
  private liveUntil = new Float64Array(0)
  /** The seconds gone, counted up to two times that move on independently (see Lane). */
  private lanes: Lane[] = []
  private calls = 0

  constructor(db: Db) {
    this.snapshotKey = snapshotKeyQuery(db)
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
    const key = this.snapshotKey()
    const stale = key !== this.key
    if (stale) {
      this.readClients()
      this.key = key
      this.lanes = []
    }
    const lane = this.laneFor(anchor, sec - CLIENT_WINDOW_S)
    this.takeUntil(lane, sec - CLIENT_WINDOW_S)
    // Typed arrays and local counters: this loop runs over every client each second a page is open.
    const { window, liveUntil, classOf } = this
    const { taken } = lane
    const byClass = [0, 0, 0, 0]
    let connected = 0
    let heavy = 0
    for (let i = 0; i < window.length; i++) {
      if (from !== null && !(liveUntil[i]! > from)) continue
      connected++
      const bytes = window[i]! - taken[i]!
      if (bytes > 0 && (bytes * 8.0) / CLIENT_WINDOW_S >= bps) heavy++
      byClass[classOf[i]!]!++
    }
    const counts: LiveCounts = { connected, heavy, unknown: 0, low: 0, medium: 0, high: 0 }
    CLASSES.forEach((c, i) => (counts[c] = byClass[i]!))
    return counts
  }

  /** The clients with a live_until (the others are connected at no T after N). */
  private readClients(): void {
    const rows = this.clientsStmt.all()
    this.index = new Map()
    this.window = new Float64Array(rows.length)
    this.classOf = new Uint8Array(rows.length)
    this.liveUntil = new Float64Array(rows.length)
    rows.forEach(([client, window, plan, liveUntil], i) => {
      this.index.set(client, i)
      this.window[i] = window
      this.classOf[i] = CLASSES.indexOf(planClass(plan))
      this.liveUntil[i] = liveUntil ?? NaN
    })
  }

  /** Adds the seconds (takenTo, to] to `taken`: whole minutes as their totals, others second by second. */
  private takeUntil(lane: Lane, to: number): void {
    while (lane.takenTo < to) {
      const minute = Math.floor(lane.takenTo / SECONDS_PER_MINUTE) + 1
      const start = (minute - 1) * SECONDS_PER_MINUTE
      const end = Math.min(to, minute * SECONDS_PER_MINUTE)
      if (lane.takenTo === start && end === minute * SECONDS_PER_MINUTE) {
        for (const [client, bytes] of this.totalsStmt.all(minute)) {
          const i = this.index.get(client)
          if (i !== undefined) lane.taken[i]! += bytes
        }
      } else {
        this.secondsOf(lane, minute, lane.takenTo - start, end - start)
      }
      lane.takenTo = end
    }
  }

  /**
   * The lane that can move on to `to` (the one furthest along that is not past it), else a new one, or the
   * least recently used counted again from N.
   */
  private laneFor(anchor: number, to: number): Lane {
    let lane: Lane | undefined
    for (const l of this.lanes) if (l.takenTo <= to && (!lane || l.takenTo > lane.takenTo)) lane = l
    if (!lane) {
      if (this.lanes.length < LANES) {
        lane = { taken: new Float64Array(this.window.length), takenTo: 0, cursor: null, usedAt: 0 }
        this.lanes.push(lane)
      } else {
        lane = this.lanes.reduce((a, b) => (a.usedAt <= b.usedAt ? a : b))
        lane.taken.fill(0)
      }
      lane.takenTo = anchor - CLIENT_WINDOW_S
      lane.cursor = null
    }
    lane.usedAt = ++this.calls
    return lane
  }

  /** Adds each row's seconds of `minute` with indexes from `first` up to (not including) `until`. */
  private secondsOf(lane: Lane, minute: number, first: number, until: number): void {
    let cursor = lane.cursor
    if (!cursor || cursor.minute !== minute || first < cursor.next) {
      const rows = this.partsStmt.all(minute)
      const what = `usage parts of minute ${minute}`
      cursor = {
        minute,
        clients: Int32Array.from(rows, ([client]) => this.index.get(client) ?? -1),
        readers: rows.map(([, parts]) => new VarintReader(parts, what)),
        next: 0,
      }
      lane.cursor = cursor
    }
    for (let r = 0; r < cursor.readers.length; r++) {
      const reader = cursor.readers[r]!
      let sum = 0
      for (let second = cursor.next; second < until; second++) {
        const v = reader.next()
        if (second >= first) sum += v
      }
      const client = cursor.clients[r]!
      if (client >= 0) lane.taken[client]! += sum
    }
    cursor.next = Math.max(cursor.next, until)
  }
}
