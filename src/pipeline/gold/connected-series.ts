// The connected devices per second, kept in gold so that a chart's times and an overview at a past T read
// them in one query instead of judging every device at each T (docs/metrics.md, section 1; docs/pipeline.md).
//
// A device counts at second k (T = k × 1000 ms) while its latest connect or disconnect at or before T is a
// connect and one of its events is within the idle timeout: over pieces of seconds, each under the server,
// type and plan of that connect. gold_connected_changes holds, per second and group, how the count and the
// plan sum change at that second; gold_connected_minutes the count and plan sum at each whole minute
// (second m × 60). The count at k is the minute's before it plus the changes after that minute up to k.
//
// Kept for one idle timeout, the setting's (pipeline_gold_watermarks 'connected-idle-ms'; 0 when not kept): a
// whole number of seconds, a minute or more, so that a device's events of one minute (less than a minute
// apart) make one piece of activity from its first to its last plus the timeout, and gold_device_minutes
// holds what a device's activity needs.
import type { Db } from '../db/open'
import { compareBinary } from '../db/binary-order'
import { Watermarks } from '../watermarks'
import { secondOf } from './buckets'
import type { DeviceSnapshot, DeviceState } from './device-states'
import { planKbps } from './live-state'

export const SERIES_STAGE = 'connected-idle-ms'

/** The idle timeout in ms the series can be kept for, or 0 for one it cannot (none, or under a minute). */
export function seriesIdleMs(idleTimeoutMin: number | null): number {
  if (idleTimeoutMin === null) return 0
  const ms = Math.round(idleTimeoutMin * 60_000)
  return ms >= 60_000 && ms % 1000 === 0 ? ms : 0
}

/** The group a connected device counts in: its latest connect's server, type ('' for none) and plan. */
export interface Group {
  server: string
  type: string
  kbps: number
}

/** A connect (with its group) or a disconnect, ordered as the state keeps them. */
export interface StatusEvent {
  ts: number
  id: number
  group: Group | null
}

/** Seconds [from, to) in which a device counts in `group`. */
export interface Piece {
  from: number
  to: number
  group: Group
}

/**
 * The seconds within the idle timeout of events from `first` to `last` (ms), less than the timeout apart:
 * one minute's events, or one event.
 */
const activityOf = (first: number, last: number, idleS: number): [number, number] => [
  secondOf(first),
  secondOf(last) + idleS,
]

/** In event time; at equal ts connects before disconnects (a disconnect wins a tie), then as folded. */
export const statusOrder = (a: StatusEvent, b: StatusEvent) =>
  a.ts - b.ts || Number(a.group === null) - Number(b.group === null) || a.id - b.id

const sameGroup = (a: Group, b: Group) => a.server === b.server && a.type === b.type && a.kbps === b.kbps

export const groupOf = (s: Pick<DeviceSnapshot, 'server' | 'device_type' | 'plan_mbps'>): Group => ({
  server: s.server ?? '',
  type: s.device_type ?? '',
  kbps: planKbps(s.plan_mbps),
})

/**
 * The pieces of [from, to) in which a device counts: `start` is its group if its latest status before
 * `from` is a connect (null if not); `events` its connects and disconnects from second `from` on, in
 * statusOrder; `activity` the seconds [a, b) within the idle timeout of one of its events.
 */
export function connectedPieces(
  start: Group | null,
  events: readonly StatusEvent[],
  activity: readonly (readonly [number, number])[],
  from: number,
  to: number,
): Piece[] {
  const points = new Set([from])
  for (const e of events) if (secondOf(e.ts) > from && secondOf(e.ts) < to) points.add(secondOf(e.ts))
  for (const [a, b] of activity) {
    if (a > from && a < to) points.add(a)
    if (b > from && b < to) points.add(b)
  }
  const sorted = [...points].sort((x, y) => x - y)
  const pieces: Piece[] = []
  let status = start
  let next = 0
  for (let j = 0; j < sorted.length; j++) {
    const p = sorted[j]!
    const q = sorted[j + 1] ?? to
    while (next < events.length && secondOf(events[next]!.ts) <= p) status = events[next++]!.group
    if (status === null || !activity.some(([a, b]) => a <= p && p < b)) continue
    const last = pieces.at(-1)
    if (last && last.to === p && sameGroup(last.group, status)) last.to = q
    else pieces.push({ from: p, to: q, group: status })
  }
  return pieces
}

type Sums = Map<string, { key: [number, string, string]; devices: number; kbps: number }>

/** Changes of the count per second and group, and of the count at whole minutes, summed before writing. */
export class SeriesChanges {
  readonly seconds: Sums = new Map()
  readonly minutes: Sums = new Map()

  /**
   * `minutes: false`: the whole minutes' counts are left to `countMinutes`, for a series counted from
   * nothing, whose pieces may last for days.
   */
  constructor(private readonly options = { minutes: true }) {}

  /** Adds (sign 1) or takes away (-1) a device's pieces. */
  add(pieces: readonly Piece[], sign: 1 | -1): void {
    for (const p of pieces) {
      this.bump(this.seconds, p.from, p.group, sign)
      this.bump(this.seconds, p.to, p.group, -sign)
      if (this.options.minutes)
        for (let m = Math.ceil(p.from / 60); m * 60 < p.to; m++) this.bump(this.minutes, m, p.group, sign)
    }
  }

  /**
   * A device's pieces `before` replaced by `after`: only the seconds where its group changed, so that a
   * device whose activity moves on by a few seconds (a live feed's) writes those seconds, not twice the
   * timeout's minutes.
   */
  replace(before: readonly Piece[], after: readonly Piece[]): void {
    const points = new Set<number>()
    for (const p of [...before, ...after]) points.add(p.from).add(p.to)
    const sorted = [...points].sort((x, y) => x - y)
    const groupAt = (pieces: readonly Piece[], at: number) =>
      pieces.find((p) => p.from <= at && at < p.to)?.group
    const gone: Piece[] = []
    const come: Piece[] = []
    const extend = (pieces: Piece[], from: number, to: number, group: Group) => {
      const last = pieces.at(-1)
      if (last && last.to === from && sameGroup(last.group, group)) last.to = to
      else pieces.push({ from, to, group })
    }
    for (let i = 0; i + 1 < sorted.length; i++) {
      const [from, to] = [sorted[i]!, sorted[i + 1]!]
      const was = groupAt(before, from)
      const is = groupAt(after, from)
      if (was && is && sameGroup(was, is)) continue
      if (was) extend(gone, from, to, was)
      if (is) extend(come, from, to, is)
    }
    this.add(gone, -1)
    this.add(come, 1)
  }

  /** The count at every whole minute, from the changes per second: their sums up to it, where not 0. */
  countMinutes(): void {
    const groups = new Map<string, { server: string; type: string; changes: [number, number, number][] }>()
    for (const { key, devices, kbps } of this.seconds.values()) {
      const [sec, server, type] = key
      const k = `${server}\u0000${type}`
      let g = groups.get(k)
      if (!g) groups.set(k, (g = { server, type, changes: [] }))
      g.changes.push([sec, devices, kbps])
    }
    for (const { server, type, changes } of groups.values()) {
      changes.sort((a, b) => a[0] - b[0])
      let devices = 0
      let kbps = 0
      let i = 0
      for (let m = Math.ceil(changes[0]![0] / 60); m * 60 <= changes.at(-1)![0]; m++) {
        for (; i < changes.length && changes[i]![0] <= m * 60; i++) {
          devices += changes[i]![1]
          kbps += changes[i]![2]
        }
        if (devices !== 0 || kbps !== 0)
          this.minutes.set(`${m}\u0000${server}\u0000${type}`, { key: [m, server, type], devices, kbps })
      }
    }
  }

  private bump(sums: Sums, at: number, g: Group, sign: number): void {
    const k = `${at}\u0000${g.server}\u0000${g.type}`
    const entry = sums.get(k)
    if (entry) {
      entry.devices += sign
      entry.kbps += sign * g.kbps
    } else sums.set(k, { key: [at, g.server, g.type], devices: sign, kbps: sign * g.kbps })
  }
}

/** Adds changes to the tables; a row that sums to nothing is deleted, as it would never have been written. */
export class SeriesWriter {
  private readonly upsert
  private readonly drop

  constructor(db: Db) {
    const upsert = (table: string, column: string) =>
      db.prepare<[number, string, string, number, number], { devices: number; plan_kbps: number }>(
        `INSERT INTO ${table} (${column}, server, device_type, devices, plan_kbps) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (${column}, server, device_type) DO UPDATE
         SET devices = devices + excluded.devices, plan_kbps = plan_kbps + excluded.plan_kbps
         RETURNING devices, plan_kbps`,
      )
    const drop = (table: string, column: string) =>
      db.prepare<[number, string, string]>(
        `DELETE FROM ${table} WHERE ${column} = ? AND server = ? AND device_type = ?`,
      )
    this.upsert = {
      seconds: upsert('gold_connected_changes', 'sec'),
      minutes: upsert('gold_connected_minutes', 'minute'),
    }
    this.drop = {
      seconds: drop('gold_connected_changes', 'sec'),
      minutes: drop('gold_connected_minutes', 'minute'),
    }
  }

  write(changes: SeriesChanges): void {
    for (const table of ['seconds', 'minutes'] as const) {
      for (const { key, devices, kbps } of changes[table].values()) {
        if (devices === 0 && kbps === 0) continue
        const row = this.upsert[table].get(...key, devices, kbps)!
        if (row.devices === 0 && row.plan_kbps === 0) this.drop[table].run(...key)
      }
    }
  }
}

/** What a device's pieces are counted from when its history is read: its state as of the same events. */
export type DeviceHistoryState = Pick<
  DeviceState,
  'status' | 'status_ts' | 'server' | 'device_type' | 'plan_mbps' | 'last_seen' | 'minute_first_ts'
>

/** Reads a device's connects, disconnects and activity around a range of seconds. */
export class DeviceHistory {
  private readonly startStmt
  private readonly eventsStmt
  private readonly minutesStmt

  constructor(db: Db) {
    // The repeated condition on type is the partial index's own (silver_events_status).
    const status = `SELECT id, ts, type, server, device_type, plan_mbps FROM silver_events
      WHERE device = :device AND type IN ('connect', 'disconnect') AND id <= :maxId`
    this.startStmt = db.prepare<{ device: string; maxId: number; before: number }, SilverStatus>(
      `${status} AND ts <= :before ORDER BY ts DESC, type = 'disconnect' DESC, id DESC LIMIT 1`,
    )
    this.eventsStmt = db.prepare<
      { device: string; maxId: number; after: number; until: number },
      SilverStatus
    >(`${status} AND ts > :after AND ts <= :until`)
    this.minutesStmt = db
      .prepare<{ device: string; from: number; to: number }, [number, number]>(
        `WITH RECURSIVE m(minute) AS (SELECT :from UNION ALL SELECT minute + 1 FROM m WHERE minute < :to)
         SELECT a.first_ts, a.last_ts FROM m CROSS JOIN gold_device_minutes a
         ON a.minute = m.minute AND a.device = :device`,
      )
      .raw()
  }

  /**
   * The device's pieces in seconds [from, to), from the silver events up to id `maxId`, its minutes in
   * gold_device_minutes and its state (the row of gold_devices as of the same events).
   */
  pieces(device: string, state: DeviceHistoryState, maxId: number, idleMs: number, from: number, to: number) {
    const idleS = idleMs / 1000
    const before = (from - 1) * 1000
    const own = ownStatus(state)
    const latest = this.startStmt.get({ device, maxId, before })
    let start = latest ? statusEvent(latest) : null
    if (own && own.ts <= before && (start === null || statusOrder(start, own) < 0)) start = own
    const events = this.eventsStmt.all({ device, maxId, after: before, until: to * 1000 }).map(statusEvent)
    if (own && own.ts > before && own.ts <= to * 1000) events.push(own)
    events.sort(statusOrder)
    const activity: [number, number][] = this.minutesStmt
      .all({ device, from: Math.ceil((from * 1000 - idleMs) / 60_000), to: Math.ceil((to * 1000) / 60_000) })
      .map(([first, last]) => activityOf(first, last, idleS))
    if (state.minute_first_ts !== null)
      activity.push(activityOf(state.minute_first_ts, state.last_seen, idleS))
    return connectedPieces(start?.group ?? null, events, activity, from, to)
  }
}

/**
 * The state's own latest connect or disconnect, ordered after silver's at its ts: it stands for one that
 * retention may have taken from silver (the state keeps it), and repeats one silver holds.
 */
const ownStatus = (state: DeviceHistoryState): StatusEvent | null =>
  state.status === null || state.status_ts === null
    ? null
    : { ts: state.status_ts, id: Infinity, group: state.status === 'connect' ? groupOf(state) : null }

interface SilverStatus {
  id: number
  ts: number
  type: 'connect' | 'disconnect'
  server: string | null
  device_type: string | null
  plan_mbps: number | null
}

const statusEvent = (r: SeriesEvent): StatusEvent => ({
  ts: r.ts,
  id: r.id,
  group: r.type === 'connect' ? groupOf(r) : null,
})

/** What the series needs of an event a batch folds. */
export interface SeriesEvent {
  id: number
  ts: number
  type: 'connect' | 'disconnect' | 'usage' | 'flow'
  server: string | null
  device_type: string | null
  plan_mbps: number | null
}

/** A batch between `begin` and `finish`: its changes so far, and the devices counted again from history. */
export interface SeriesBatch {
  idleMs: number
  changes: SeriesChanges
  late: { device: string; state: DeviceHistoryState; from: number; to: number; before: Piece[] }[]
}

/** Moves the series by the events of each fold (GoldStage). */
export class ConnectedSeriesFold {
  private readonly history: DeviceHistory
  private readonly writer: SeriesWriter

  constructor(db: Db) {
    this.history = new DeviceHistory(db)
    this.writer = new SeriesWriter(db)
  }

  /**
   * Before the batch writes anything. A device whose events all follow its last event (a live feed's) is
   * counted from its state alone: before them it counted until its last event plus the timeout, if its
   * status was a connect. The others' pieces before the batch are read from their history (silver up to
   * `maxIdBefore`, their minutes), over the seconds the batch can change: from its first event to the
   * timeout after its last (after the device's last event, for a connect or disconnect).
   */
  begin(
    idleMs: number,
    byDevice: ReadonlyMap<string, readonly SeriesEvent[]>,
    before: (device: string) => DeviceHistoryState | null,
    after: (device: string) => DeviceHistoryState,
    maxIdBefore: number,
  ): SeriesBatch {
    const idleS = idleMs / 1000
    const batch: SeriesBatch = { idleMs, changes: new SeriesChanges(), late: [] }
    for (const [device, events] of byDevice) {
      const b = before(device)
      let first = Infinity
      let last = -Infinity
      let status = false
      for (const e of events) {
        first = Math.min(first, e.ts)
        last = Math.max(last, e.ts)
        status ||= e.type === 'connect' || e.type === 'disconnect'
      }
      const from = secondOf(first)
      if (b !== null && first > b.last_seen && !status) {
        // The live feed's usual case: reports after the device's last event, its status unchanged.
        if (b.status === 'connect') this.extend(batch.changes, b, events, idleS)
        continue
      }
      if (b === null || first > b.last_seen) {
        const prior = b?.status === 'connect' ? groupOf(b) : null
        const activity = events.map((e) => activityOf(e.ts, e.ts, idleS))
        const until = b ? secondOf(b.last_seen) + idleS : from
        if (b) activity.push(activityOf(b.last_seen, b.last_seen, idleS))
        const had = prior && until > from ? [{ from, to: until, group: prior }] : []
        const statuses = events.filter((e) => e.type === 'connect' || e.type === 'disconnect')
        const pieces = connectedPieces(
          prior,
          statuses.map(statusEvent).sort(statusOrder),
          activity,
          from,
          secondOf(last) + idleS,
        )
        batch.changes.replace(had, pieces)
        continue
      }
      const to = secondOf(status ? Math.max(last, b.last_seen) : last) + idleS
      batch.late.push({
        device,
        state: after(device),
        from,
        to,
        before: this.history.pieces(device, b, maxIdBefore, idleMs, from, to),
      })
    }
    return batch
  }

  /**
   * A connected device's activity, extended by reports after its last event: each adds the seconds of its
   * timeout past the end so far, or opens a piece of its own after a gap.
   */
  private extend(
    changes: SeriesChanges,
    b: DeviceHistoryState,
    events: readonly SeriesEvent[],
    idleS: number,
  ) {
    const group = groupOf(b)
    let end = secondOf(b.last_seen) + idleS
    const secs = events.map((e) => secondOf(e.ts)).sort((x, y) => x - y)
    for (const sec of secs) {
      if (sec + idleS <= end) continue
      changes.add([{ from: Math.max(sec, end), to: sec + idleS, group }], 1)
      end = sec + idleS
    }
  }

  /**
   * After the batch's writes: the late devices' pieces now (from their states as the batch left them, taken
   * in `begin`: a flush may drop a state from the cache), and every change written.
   */
  finish(batch: SeriesBatch, maxIdAfter: number): void {
    for (const { device, state, from, to, before } of batch.late) {
      batch.changes.replace(before, this.history.pieces(device, state, maxIdAfter, batch.idleMs, from, to))
    }
    this.writer.write(batch.changes)
  }
}

/**
 * Counts the series again from every device's history for an idle timeout of `idleMs` (0: not kept, the
 * tables left empty), and records it: at the first start with this schema, and when the setting changes.
 * The devices' states, minutes and connects and disconnects are read in device order side by side, so
 * memory holds one device's history at a time.
 */
export function refillConnectedSeries(db: Db, idleMs: number): void {
  const watermarks = new Watermarks(db)
  db.exec('DELETE FROM gold_connected_changes; DELETE FROM gold_connected_minutes')
  watermarks.set(SERIES_STAGE, idleMs)
  if (idleMs === 0) return
  const idleS = idleMs / 1000
  // Gold's states are as of the events folded so far: silver's later ones are counted by their folds.
  const folded = watermarks.get('gold')
  const states = db
    .prepare<[], DeviceHistoryState & { device: string; first_seen: number }>(
      `SELECT device, status, status_ts, server, device_type, plan_mbps, first_seen, last_seen, minute_first_ts
       FROM gold_devices ORDER BY device`,
    )
    .iterate()
  const minutes = peekable(
    db
      .prepare<[], { device: string; first_ts: number; last_ts: number }>(
        'SELECT device, first_ts, last_ts FROM gold_device_minutes ORDER BY device',
      )
      .iterate(),
  )
  const statuses = peekable(
    db
      .prepare<[number], SilverStatus & { device: string }>(
        `SELECT device, id, ts, type, server, device_type, plan_mbps FROM silver_events
         WHERE type IN ('connect', 'disconnect') AND id <= ? ORDER BY device`,
      )
      .iterate(folded),
  )
  const changes = new SeriesChanges({ minutes: false })
  for (const d of states) {
    const activity: [number, number][] = []
    for (const m of minutes.takeWhile((r) => compareBinary(r.device, d.device) <= 0))
      if (m.device === d.device) activity.push(activityOf(m.first_ts, m.last_ts, idleS))
    if (d.minute_first_ts !== null) activity.push(activityOf(d.minute_first_ts, d.last_seen, idleS))
    const events = statuses
      .takeWhile((r) => compareBinary(r.device, d.device) <= 0)
      .filter((r) => r.device === d.device)
      .map(statusEvent)
    const own = ownStatus(d)
    if (own) events.push(own)
    events.sort(statusOrder)
    changes.add(
      connectedPieces(null, events, activity, secondOf(d.first_seen), secondOf(d.last_seen) + idleS),
      1,
    )
  }
  changes.countMinutes()
  new SeriesWriter(db).write(changes)
}

/** An iterator whose rows can be taken while they match, leaving the first that does not. */
function peekable<T>(rows: IterableIterator<T>) {
  let head = rows.next()
  return {
    takeWhile(match: (row: T) => boolean): T[] {
      const taken: T[] = []
      while (!head.done && match(head.value)) {
        taken.push(head.value)
        head = rows.next()
      }
      return taken
    },
  }
}

/** Keeps the series for the setting's idle timeout: counted again when it is kept for another. */
export function ensureConnectedSeries(db: Db, idleTimeoutMin: number | null): void {
  const want = seriesIdleMs(idleTimeoutMin)
  if (new Watermarks(db).get(SERIES_STAGE) !== want) db.transaction(() => refillConnectedSeries(db, want))()
}
