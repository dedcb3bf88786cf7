// The current state of each device, kept in event time: a late event never overwrites a newer one, and a
// disconnect wins a tie with a connect at the same ts.
import type { Db } from '../db/open'
import { minuteOf } from './buckets'
import { latestMinuteSql } from './device-minutes'
import { appendIdsSql, encodeIds } from './id-list'
import { BYTES_PER_DEVICE, ResidentStates } from './resident-states'
import { recoverDeviceSeen } from './seen-replay'
import type { SeenCopy, SeenView } from './shared-seen'

export interface DeviceState {
  device: string
  server: string | null
  client: string | null
  device_type: string | null
  plan_mbps: number | null
  ip: string | null
  connect_ts: number | null
  status: 'connect' | 'disconnect' | null
  status_ts: number | null
  first_seen: number
  last_seen: number
  /**
   * The first event's ts in the minute of last_seen (its latest minute): that minute's activity lives in
   * this row, not in gold_device_minutes (device-minutes.ts). Null when retention removed it.
   */
  minute_first_ts: number | null
}

/** A gold_devices row in the columns' order. */
type StateRow = [
  device: string,
  server: string | null,
  client: string | null,
  device_type: string | null,
  plan_mbps: number | null,
  ip: string | null,
  connect_ts: number | null,
  status: DeviceState['status'],
  status_ts: number | null,
  first_seen: number,
  last_seen: number,
  minute_first_ts: number | null,
]

interface StateEvent {
  ts: number
  type: 'connect' | 'disconnect' | 'usage' | 'flow'
  server: string | null
  device: string
  client: string | null
  device_type: string | null
  plan_mbps: number | null
  ip: string | null
}

/** What the live state reads of a device's state (kept for each device a flush changes, so kept small). */
export type DeviceSnapshot = Pick<
  DeviceState,
  | 'server'
  | 'client'
  | 'device_type'
  | 'plan_mbps'
  | 'connect_ts'
  | 'status'
  | 'status_ts'
  | 'last_seen'
  | 'minute_first_ts'
>

const snapshot = (s: DeviceState): DeviceSnapshot => ({
  server: s.server,
  client: s.client,
  device_type: s.device_type,
  plan_mbps: s.plan_mbps,
  connect_ts: s.connect_ts,
  status: s.status,
  status_ts: s.status_ts,
  last_seen: s.last_seen,
  minute_first_ts: s.minute_first_ts,
})

/** The parameters of a write of first_seen, last_seen and the latest minute. */
interface SeenRow {
  first: number
  last: number
  minuteFirst: number | null
  ids: Buffer | null
  device: string
}

/** The parameters of a move of a device's latest minute into gold_device_minutes. */
interface MoveRow {
  minute: number
  device: string
  first: number
  last: number
  held: Buffer | null
}

/** What a device's row lacks of its latest minute (deferSeen). */
export interface HeldSeen {
  /** The usage ids of that minute the row lacks. */
  ids: number[]
  /** The row's latest minute is an older one: its ids are replaced, not appended to. */
  older: boolean
  /** When the row began to lag (ms), and gold's watermark then: the row holds every event up to it. */
  since: number
  behind: number
}

/** A fold's start: its time, and gold's watermark before it. */
export interface FoldStart {
  at: number
  watermark: number
}

/** How long a device's row may lag its state (deferSeen): it is written in the first fold after. */
export const SEEN_WRITE_AFTER_MS = 60_000

/** A device's state before and after the events of one flush (before is null for a new device). */
export interface DeviceChange {
  before: DeviceSnapshot | null
  after: DeviceState
}

// State objects kept across batches. A state object costs about 360 bytes of heap: past this many, the half
// read longest ago is dropped (a Map iterates in insertion order). Those dropped are read back from the
// resident states, or from the table when the network is too large for them.
const MAX_CACHED = 50_000

// Heap the resident states may take; a network with more devices than fit falls back to reading the states
// a batch needs from gold_devices (about 1.2 million devices, 256 MiB).
const RESIDENT_BYTES = 256 * 2 ** 20
const MAX_RESIDENT = Math.floor(RESIDENT_BYTES / BYTES_PER_DEVICE)

export interface DeviceStatesLimits {
  /**
   * Leave a device's row unwritten when only its last seen moved (last_seen, its latest minute's first ts and
   * usage ids), until `checkpoint`: gold's thread, whose readers take those from its memory (shared-seen.ts).
   * Only while every state is in memory.
   */
  deferSeen?: boolean
  /** State objects kept across batches. */
  maxCached?: number
  /** Devices whose states are all kept in memory; past it, states are read from gold_devices as needed. */
  maxResident?: number
}

/**
 * A device's state at its first event, before the event is applied. Server and client come from the device's
 * latest connect in event time, whatever arrived first: a device never connected has neither.
 */
export const firstSeen = (device: string, ts: number): DeviceState => ({
  device,
  server: null,
  client: null,
  device_type: null,
  plan_mbps: null,
  ip: null,
  connect_ts: null,
  status: null,
  status_ts: null,
  first_seen: ts,
  last_seen: ts,
  minute_first_ts: ts,
})

const stateOf = (r: StateRow | [...StateRow, slot: number]): DeviceState => ({
  device: r[0],
  server: r[1],
  client: r[2],
  device_type: r[3],
  plan_mbps: r[4],
  ip: r[5],
  connect_ts: r[6],
  status: r[7],
  status_ts: r[8],
  first_seen: r[9],
  last_seen: r[10],
  minute_first_ts: r[11],
})

/**
 * A write-back cache over gold_devices, over every state held in memory (ResidentStates), so that a batch
 * reads nothing back. Most events only move a device's last_seen: those devices are written with a narrow
 * update that leaves the client index alone, so a batch rewrites fewer pages.
 */
export class DeviceStates {
  private readonly cache = new Map<string, DeviceState>()
  /** Device -> whether more than first_seen / last_seen changed since the last flush. */
  private readonly dirty = new Map<string, boolean>()
  /** Device -> its state when the flush began, for the devices changed since (what live state moves by). */
  private readonly before = new Map<string, DeviceSnapshot | null>()
  /** Every state in gold_devices as of the last flush; null until read, and on a network too large for it. */
  private resident: ResidentStates | null = null
  /** Whether gold_devices was read into `resident` (or found too large for it) since the last `forget`. */
  private filled = false
  private readonly maxCached: number
  private readonly maxResident: number
  private readonly countStmt
  private readonly allStmt
  private readonly nextSlotStmt
  /** The shared slot the next new device gets (gold_devices.slot): one past the highest, read with the states. */
  private nextSlot = 0
  private readonly loadStmt
  private readonly putStmt
  private readonly seenStmt
  private readonly moveStmt
  private readonly deferSeen: boolean
  /**
   * The devices whose row lags their state (deferSeen): the usage ids of their latest minute the row lacks,
   * and whether the row's latest minute is an older one (its ids then replaced, not appended to).
   */
  private readonly held = new Map<string, HeldSeen>()

  constructor(
    private readonly db: Db,
    limits: DeviceStatesLimits = {},
  ) {
    this.deferSeen = limits.deferSeen ?? false
    this.maxCached = limits.maxCached ?? MAX_CACHED
    this.maxResident = limits.maxResident ?? MAX_RESIDENT
    const columns = `device, server, client, device_type, plan_mbps, ip, connect_ts, status, status_ts, first_seen,
      last_seen, minute_first_ts`
    this.countStmt = db.prepare<[], number>('SELECT count(*) FROM gold_devices').pluck()
    // Rows as arrays: better-sqlite3 builds a row object property by property, several µs for eleven
    // columns, while an object literal of one shape costs next to nothing (docs/benchmarks.md, change 22).
    this.allStmt = db.prepare<[], [...StateRow, number]>(`SELECT ${columns}, slot FROM gold_devices`).raw()
    this.nextSlotStmt = db.prepare<[], number>('SELECT coalesce(max(slot) + 1, 0) FROM gold_devices').pluck()
    this.loadStmt = db
      .prepare<[string], StateRow>(
        `SELECT ${columns} FROM gold_devices WHERE device IN (SELECT value FROM json_each(?))`,
      )
      .raw()
    // Each write in two forms: the latest minute's usage ids appended to the row's (the batch stayed in its
    // minute), or in their place (the batch moved the device to a later minute, `moveStmt` took the old one).
    const ids = (same: boolean, value: string) => (same ? appendIdsSql('minute_usage_ids', value) : value)
    const put = (same: boolean) =>
      db.prepare(
        `INSERT INTO gold_devices (device, server, client, device_type, plan_mbps, ip, connect_ts, status,
           status_ts, first_seen, last_seen, minute_first_ts, minute_usage_ids, slot)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device) DO UPDATE SET server = excluded.server, client = excluded.client,
           device_type = excluded.device_type, plan_mbps = excluded.plan_mbps, ip = excluded.ip,
           connect_ts = excluded.connect_ts, status = excluded.status, status_ts = excluded.status_ts,
           first_seen = excluded.first_seen, last_seen = excluded.last_seen,
           minute_first_ts = excluded.minute_first_ts,
           minute_usage_ids = ${ids(same, 'excluded.minute_usage_ids')}`,
      )
    this.putStmt = { same: put(true), moved: put(false) }
    const seen = (same: boolean) =>
      db.prepare<SeenRow>(
        `UPDATE gold_devices SET first_seen = :first, last_seen = :last, minute_first_ts = :minuteFirst,
           minute_usage_ids = ${ids(same, ':ids')} WHERE device = :device`,
      )
    this.seenStmt = { same: seen(true), moved: seen(false) }
    // The latest minute a device leaves, from its state before the batch: its usage ids are the row's, when
    // the row is of that minute, and those it lacks (`held`).
    this.moveStmt = db.prepare<MoveRow>(
      `INSERT INTO gold_device_minutes (minute, device, first_ts, last_ts, usage_ids)
       SELECT :minute, :device, :first, :last,
         CASE WHEN minute_first_ts IS NOT NULL AND ${latestMinuteSql()} = :minute
           THEN ${appendIdsSql('minute_usage_ids', ':held')} ELSE :held END
       FROM gold_devices WHERE device = :device`,
    )
  }

  /**
   * Reads every state of gold_devices into memory in one pass, unless there are more than the resident
   * limit: then each batch reads the states it needs. The engine calls it when it opens, so that the first
   * batch does not wait for it; otherwise the first `load` after a `forget` does.
   */
  fill(): void {
    // Rows a crash or a failed fold left lagging the states gold's memory held are made whole first.
    recoverDeviceSeen(this.db)
    this.filled = true
    this.nextSlot = this.nextSlotStmt.get()!
    if (this.countStmt.get()! > this.maxResident) return
    const resident = new ResidentStates()
    for (const r of this.allStmt.iterate()) resident.set(stateOf(r), r[12])
    this.resident = resident
  }

  /** Makes the states of the devices a batch names ready for `get`: from memory, or in one statement. */
  load(devices: Iterable<string>): void {
    if (!this.filled) this.fill()
    const missing = new Set<string>()
    for (const device of devices) if (!this.cache.has(device)) missing.add(device)
    if (missing.size === 0) return
    if (this.resident) {
      for (const device of missing) {
        const s = this.resident.get(device)
        if (s) this.cache.set(device, s)
      }
      return
    }
    for (const r of this.loadStmt.all(JSON.stringify([...missing]))) this.cache.set(r[0], stateOf(r))
  }

  /** The state of a device; `load` it first, or it is taken as never seen. */
  get(device: string): DeviceState | undefined {
    return this.cache.get(device)
  }

  /** A device's state before the batch being applied: null for a device it is the first of. */
  beforeOf(device: string): DeviceSnapshot | null {
    const s = this.before.get(device)
    if (s === undefined) throw new Error(`no event of device ${device} was applied in this batch`)
    return s
  }

  apply(e: StateEvent): void {
    let s = this.get(e.device)
    if (!this.before.has(e.device)) this.before.set(e.device, s ? snapshot(s) : null)
    let full = this.dirty.get(e.device) ?? false
    if (!s) {
      s = firstSeen(e.device, e.ts)
      this.cache.set(e.device, s)
      full = true
    }
    // first_seen is read from the row (the client table, a chart's start): an earlier one writes it whole.
    if (e.ts < s.first_seen) full = true
    s.first_seen = Math.min(s.first_seen, e.ts)
    // The latest minute's first event; an event of an older minute goes to gold_device_minutes. A latest
    // minute whose activity retention removed starts again from its next event.
    const minute = minuteOf(e.ts)
    const latest = minuteOf(s.last_seen)
    if (minute > latest || (minute === latest && s.minute_first_ts === null)) s.minute_first_ts = e.ts
    else if (minute === latest) s.minute_first_ts = Math.min(s.minute_first_ts!, e.ts)
    s.last_seen = Math.max(s.last_seen, e.ts)
    if (e.type === 'connect' && (s.connect_ts === null || e.ts >= s.connect_ts)) {
      s.connect_ts = e.ts
      s.server = e.server
      s.client = e.client
      s.device_type = e.device_type
      s.plan_mbps = e.plan_mbps
      s.ip = e.ip
      full = true
    }
    if (e.type === 'connect' || e.type === 'disconnect') {
      const newer = s.status_ts === null || e.ts > s.status_ts
      const tieGoesToDisconnect = e.ts === s.status_ts && e.type === 'disconnect'
      if (newer || tieGoesToDisconnect) {
        s.status = e.type
        s.status_ts = e.ts
        full = true
      }
    }
    this.dirty.set(e.device, full)
  }

  /**
   * Writes changed states back, in the caller's transaction, and returns each changed device's state before
   * and after (the states are the cache's own: read them before the next batch). `latestIds` holds the
   * silver ids of the batch's usage samples in each device's latest minute (device-minutes.ts
   * `takeLatest`); a device whose latest minute moved on has its old one written to gold_device_minutes
   * first.
   */
  flush(
    latestIds: ReadonlyMap<string, readonly number[] | null> = new Map(),
    start: FoldStart = { at: Date.now(), watermark: 0 },
  ): DeviceChange[] {
    const changes: DeviceChange[] = []
    const slots = new Map<string, number>()
    const newSlot = (device: string) => {
      const slot = this.nextSlot++
      slots.set(device, slot)
      return slot
    }
    const defer = this.deferSeen && this.resident !== null
    for (const [device, full] of this.dirty) {
      const s = this.cache.get(device)!
      const before = this.before.get(device) ?? null
      changes.push({ before, after: s })
      const moved = before !== null && minuteOf(before.last_seen) !== minuteOf(s.last_seen)
      const held = this.held.get(device)
      if (moved && before.minute_first_ts !== null)
        this.moveStmt.run({
          minute: minuteOf(before.last_seen),
          device,
          first: before.minute_first_ts,
          last: before.last_seen,
          held: held && held.ids.length > 0 ? encodeIds(held.ids) : null,
        })
      // The batch's ids are its own (takeLatest's): taken, not copied. A row that lags keeps its entry.
      const found = (latestIds.get(device) as number[] | null | undefined) ?? []
      let seen: HeldSeen
      if (!held)
        seen = { ids: found, older: before === null || moved, since: start.at, behind: start.watermark }
      else {
        seen = held
        if (moved) {
          held.ids = found
          held.older = true
        } else for (const id of found) held.ids.push(id)
      }
      if (defer && !full) {
        if (!held) this.held.set(device, seen)
        continue
      }
      this.held.delete(device)
      if (!full) {
        this.writeHeld(device, seen)
        continue
      }
      const ids = seen.ids.length > 0 ? encodeIds(seen.ids) : null
      this.putStmt[seen.older ? 'moved' : 'same'].run(
        s.device,
        s.server,
        s.client,
        s.device_type,
        s.plan_mbps,
        s.ip,
        s.connect_ts,
        s.status,
        s.status_ts,
        s.first_seen,
        s.last_seen,
        s.minute_first_ts,
        ids,
        // A new device's slot (an existing row keeps its own).
        before === null ? newSlot(device) : null,
      )
    }
    // The rows that lagged longest, in the order they began to (a Map keeps a key's first place): spread
    // over the minute, as devices began to lag.
    for (const [device, held] of this.held) {
      if (held.since > start.at - SEEN_WRITE_AFTER_MS) break
      this.writeHeld(device, held)
      this.held.delete(device)
    }
    if (this.resident) {
      for (const [device, full] of this.dirty) {
        const state = this.cache.get(device)!
        if (full) this.resident.set(state, slots.get(device))
        else this.resident.setSeen(state)
      }
      // A network grown past the limit: the table holds every state, read as needed from now on.
      if (this.resident.size > this.maxResident) {
        this.checkpoint()
        this.resident = null
      }
    }
    this.dirty.clear()
    this.before.clear()
    if (this.cache.size > this.maxCached) this.evictOldest(this.cache.size - Math.floor(this.maxCached / 2))
    return changes
  }

  /** The states' last_seen and minute_first_ts by shared slot, for gold's own statements; null if not held. */
  seenView(): SeenView | null {
    return this.resident?.seenView() ?? null
  }

  /**
   * Gold's watermark as of which every row holds its device's events, the folds after it being in memory
   * only (seen-marker.ts); -1 when no row lags.
   */
  lagsSince(): number {
    for (const held of this.held.values()) return held.behind
    return -1
  }

  /** Writes the rows that lag their states, in the caller's transaction (deferSeen). */
  checkpoint(): void {
    for (const [device, held] of this.held) this.writeHeld(device, held)
    this.held.clear()
  }

  /** Writes a row's first and last seen and latest minute, `held` saying what of its latest minute it lacks. */
  private writeHeld(device: string, { ids, older }: HeldSeen): void {
    const s = this.cache.get(device) ?? this.resident!.get(device)!
    this.seenStmt[older ? 'moved' : 'same'].run({
      first: s.first_seen,
      last: s.last_seen,
      minuteFirst: s.minute_first_ts,
      ids: ids.length > 0 ? encodeIds(ids) : null,
      device,
    })
  }

  /**
   * What a device's row lacks of its latest minute as of the batch's start (before `flush`): that minute,
   * the usage ids there the row lacks, and whether the row's own latest minute is an older one. Undefined
   * when the row is whole.
   */
  heldOf(device: string): (HeldSeen & { minute: number }) | undefined {
    const held = this.held.get(device)
    if (!held) return undefined
    const start = this.before.has(device) ? this.before.get(device) : this.cache.get(device)
    return { ...held, minute: minuteOf(start!.last_seen) }
  }

  /**
   * Every device's last_seen and latest minute's first ts, for the readers' copy; null when gold does not hold
   * every state in memory (a network past the resident limit).
   */
  seenCopy(): SeenCopy | null {
    return this.resident?.seenCopy() ?? null
  }

  private evictOldest(count: number): void {
    let left = count
    for (const device of this.cache.keys()) {
      if (left-- <= 0) break
      this.cache.delete(device)
    }
  }

  /**
   * Forgets every state (after a rollback, memory may be ahead of the table): the next `load` reads them all
   * again.
   */
  forget(): void {
    // What the rows lack is replayed from silver when they are read again (seen-replay.ts).
    this.held.clear()
    this.dirty.clear()
    this.before.clear()
    this.cache.clear()
    this.resident = null
    this.filled = false
  }
}
