// The heavy-client counts at a T after gold's newest second N, kept from one second to the next. A page
// left open asks the overview every second (and the same figures a minute back every ten, for its trends);
// after the traffic stops, or while the newest event lags the clock, each answer differs from the last only
// by the seconds that left each client's window. Counted afresh in SQL that took 110 ms at 20,000 clients and
// 520 ms at 100,000 (every client's parts of the seconds (N - 300 s, T - 300 s] decoded again each second).
//
// After N a client's window only loses seconds, so its bytes only fall: a client heavy at some T > N was
// heavy at N, and stops being heavy at one second and for good. So per snapshot the clients' rows are read
// once, and for the few clients heavy at N (hundreds of 100,000) the second each stops being heavy, from
// their own parts; then every T after N is a pass over typed arrays, with no read at all. The counts are the
// SQL's exactly: the same integers, the same float comparisons. A snapshot younger than QUIET_MS asked
// within NEAR_S of N is left to the SQL (counts returns null), as the windows leave theirs
// (seconds-window.ts): in a live feed each snapshot is asked once or twice a few seconds after N, where the
// statement reads only those seconds, and reading every client into arrays for it cost more time and
// memory (the latency benchmark's peak RSS 670-784 -> 597-604 MB). Further after N the statement reads
// every second since N for every client (500 ms at 100,000 clients, 90 s after N): the cache is cheaper
// even for one call.
import type { Db } from '../db/open'
import { SECONDS_PER_MINUTE, decodeParts, minuteOfSecond } from '../db/usage-parts'
import type { ClientsView } from '../gold/shared-clients'
import { CLIENT_WINDOW_S } from '../gold/live-state'
import { planClass, type PlanClass } from './plan-class'
import { SnapshotAge } from './seconds-window'
import { snapshotKeyQuery } from './snapshot-key'

/**
 * The clients' rows of the caller's read transaction, when the memory gold's thread shares holds them
 * (shared-clients.ts), or null: they are then read in SQL.
 */
export type ClientsNow = () => ClientsView | null

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

/** How far after N the SQL answers a fresh snapshot (see above). */
const NEAR_S = 10

/** Whether a window of `bytes` is heavy at `bps`, as the SQL of heavy-clients.ts says it. */
const isHeavy = (bytes: number, bps: number) => bytes > 0 && (bytes * 8.0) / CLIENT_WINDOW_S >= bps

export class LiveHeavyCache {
  /** The snapshot last seen, N included. */
  private readonly snapshot
  private readonly clientsStmt
  private readonly partsStmt
  /** Whether the rows below are of that snapshot. */
  private read = false
  private clients: string[] = []
  private window = new Float64Array(0)
  /** Per client, its plan's class as an index in CLASSES. */
  private classOf = new Uint8Array(0)
  private liveUntil = new Float64Array(0)
  /** The threshold `heavyUntil` is of. */
  private bps = NaN
  /** Per client, the first second T > N at which it is not heavy (N for one not heavy at N). */
  private heavyUntil = new Float64Array(0)

  constructor(
    db: Db,
    private readonly clientsNow: ClientsNow = () => null,
  ) {
    this.snapshot = new SnapshotAge(snapshotKeyQuery(db))
    this.clientsStmt = db
      .prepare<[], [string, number, number | null, number | null]>(
        'SELECT client, window_bytes, plan_mbps, live_until FROM gold_clients WHERE live_until IS NOT NULL',
      )
      .raw()
    // A client's rows of one minute (one per server it used), by its primary key.
    this.partsStmt = db
      .prepare<[number, string], Buffer>(
        'SELECT parts FROM gold_client_usage_parts WHERE minute = ? AND client = ?',
      )
      .pluck()
  }

  /**
   * The counts at second `sec` after the anchor N (`sec > anchor`, and no event after T: nothing changed a
   * client since T), for connected clients whose live_until is after `from` (any live_until when null),
   * heavy at `bps` and above; null while the snapshot is younger than QUIET_MS and T near N. Call it inside
   * the read transaction that found N.
   */
  counts(anchor: number, sec: number, from: number | null, bps: number): LiveCounts | null {
    if (this.snapshot.changed()) {
      this.read = false
      this.clients = []
      this.window = this.liveUntil = this.heavyUntil = new Float64Array(0)
      this.classOf = new Uint8Array(0)
    }
    if (!this.snapshot.quiet() && sec - anchor <= NEAR_S) return null
    if (!this.read) {
      this.readClients()
      this.read = true
      this.bps = NaN
    }
    if (bps !== this.bps) {
      this.findHeavyUntil(anchor, bps)
      this.bps = bps
    }
    // Typed arrays and local counters: this loop runs over every client each second a page is open.
    const { liveUntil, classOf, heavyUntil } = this
    const byClass = [0, 0, 0, 0]
    let connected = 0
    let heavy = 0
    for (let i = 0; i < liveUntil.length; i++) {
      if (from !== null && !(liveUntil[i]! > from)) continue
      connected++
      if (heavyUntil[i]! > sec) heavy++
      byClass[classOf[i]!]!++
    }
    const counts: LiveCounts = { connected, heavy, unknown: 0, low: 0, medium: 0, high: 0 }
    CLASSES.forEach((c, i) => (counts[c] = byClass[i]!))
    return counts
  }

  /**
   * The clients with a live_until (the others are connected at no T after N): from the memory gold's thread
   * shares when it holds the read transaction's rows, else in SQL.
   */
  private readClients(): void {
    const shared = this.clientsNow()
    let rows: [string, number, number | null, number | null][] = []
    if (shared) {
      for (let slot = 0; slot < shared.slotCount; slot++) {
        const liveUntil = shared.numberAt(slot, 'live_until')
        if (Number.isNaN(liveUntil)) continue
        const plan = shared.numberAt(slot, 'plan_mbps')
        rows.push([
          shared.clientAt(slot),
          shared.numberAt(slot, 'window_bytes'),
          Number.isNaN(plan) ? null : plan,
          liveUntil,
        ])
      }
    }
    if (!shared?.stillValid()) rows = this.clientsStmt.all()
    this.clients = new Array<string>(rows.length)
    this.window = new Float64Array(rows.length)
    this.classOf = new Uint8Array(rows.length)
    this.liveUntil = new Float64Array(rows.length)
    rows.forEach(([client, window, plan, liveUntil], i) => {
      this.clients[i] = client
      this.window[i] = window
      this.classOf[i] = CLASSES.indexOf(planClass(plan))
      this.liveUntil[i] = liveUntil ?? NaN
    })
  }

  /**
   * For each client heavy at N, the first T > N whose window (T - 300 s, N] is not heavy: the seconds of its
   * window are taken out one by one, oldest first, from its parts (all its servers'), until it is not.
   */
  private findHeavyUntil(anchor: number, bps: number): void {
    const { window } = this
    this.heavyUntil = new Float64Array(window.length).fill(anchor)
    const first = anchor - CLIENT_WINDOW_S + 1
    for (let i = 0; i < window.length; i++) {
      if (!isHeavy(window[i]!, bps)) continue
      let left = window[i]!
      let until = anchor + CLIENT_WINDOW_S
      // The client's bytes per second over the window, all servers summed, minute by minute.
      seconds: for (let minute = minuteOfSecond(first); minute <= minuteOfSecond(anchor); minute++) {
        const perSecond = new Float64Array(SECONDS_PER_MINUTE)
        for (const parts of this.partsStmt.all(minute, this.clients[i]!)) {
          const ofServer = decodeParts(parts)
          for (let s = 0; s < SECONDS_PER_MINUTE; s++) perSecond[s]! += ofServer[s]!
        }
        const start = (minute - 1) * SECONDS_PER_MINUTE + 1
        for (let s = Math.max(start, first); s <= Math.min(anchor, start + SECONDS_PER_MINUTE - 1); s++) {
          left -= perSecond[s - start]!
          // Second s leaves the window at T = s + 300.
          if (!isHeavy(left, bps)) {
            until = s + CLIENT_WINDOW_S
            break seconds
          }
        }
      }
      this.heavyUntil[i] = until
    }
  }
}
