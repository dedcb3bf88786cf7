// Silver -> gold: incremental aggregates in event time. A batch is summed in memory and written as one
// upsert per bucket, so gold costs little more than the number of distinct (bucket, key) pairs.
import type { EventSpan } from '../../shared/api'
import { hull } from '../../shared/event-span'
import type { Db } from '../db/open'
import type { Watermarks } from '../watermarks'
import { secondOf, minuteOf } from './buckets'
import { ClientMinutes } from './client-minutes'
import type { ClientPlan } from './client-rows'
import type { ClientChanges } from './client-states'
import { ConnectedSeriesFold, SERIES_STAGE, type SeriesEvent } from './connected-series'
import { DeviceMinutes } from './device-minutes'
import { DeviceStates, type DeviceStatesLimits } from './device-states'
import { LiveState } from './live-state'
import { seenBehindQuery, seenBehindSetter } from './seen-marker'
import { readingSeen } from '../db/device-seen'
import type { SeenCopy } from './shared-seen'
import { spreadSample } from './spread'
import { Sums2, Sums3, type Sums } from './sums'
import { UsageWriter, addUsage, upsertStatement, usageSums } from './usage-sums'

/** What gold needs of a silver event. */
export interface GoldInput {
  id: number
  ts: number
  type: 'connect' | 'disconnect' | 'usage' | 'flow'
  server: string | null
  device: string
  client: string | null
  peer: string | null
  device_type: string | null
  plan_mbps: number | null
  ip: string | null
  bytes_down: number | null
  bytes_up: number | null
  bytes: number | null
  duration_ms: number | null
}

export const UNKNOWN_SERVER = '(unknown)'
export const UNKNOWN_DEVICE_TYPE = 'unknown'

export class GoldStage {
  private readonly readStmt
  private readonly upserts
  private readonly devices: DeviceStates
  private readonly live: LiveState
  private readonly touchServer
  private readonly deviceMinutes: DeviceMinutes
  private readonly latestConnect
  private readonly nextConnect
  private readonly usage: UsageWriter
  private readonly clientMinutes: ClientMinutes
  private readonly series: ConnectedSeriesFold
  private readonly seenBehind
  private readonly setSeenBehind
  /** The event time of what was folded since `takeFolded`, a usage sample from the start of its interval. */
  private folded: EventSpan | null = null

  constructor(
    private readonly db: Db,
    private readonly watermarks: Watermarks,
    deviceStates: DeviceStatesLimits = {},
  ) {
    this.readStmt = db.prepare<[number, number, number], GoldInput>(
      `SELECT id, ts, type, server, device, client, peer, device_type, plan_mbps, ip, bytes_down, bytes_up, bytes,
         duration_ms
       FROM silver_events WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`,
    )
    // A device's connects in event time, among the events folded before a given silver id. The repeated
    // condition on type is the partial index's own (silver_events_status), so SQLite uses it.
    const connects = `FROM silver_events WHERE device = ? AND type IN ('connect', 'disconnect') AND type = 'connect'`
    this.latestConnect = db.prepare<[string, number, number], { device_type: string | null }>(
      `SELECT device_type ${connects} AND ts <= ? AND id < ? ORDER BY ts DESC, id DESC LIMIT 1`,
    )
    this.nextConnect = db
      .prepare<[string, number, number], number | null>(`SELECT min(ts) ${connects} AND ts > ? AND id < ?`)
      .pluck()
    this.usage = new UsageWriter(db)
    this.clientMinutes = new ClientMinutes(db)
    this.series = new ConnectedSeriesFold(db)
    this.upserts = {
      connSecond: upsertStatement(db, 'gold_conn_second', ['sec', 'server'], ['connects', 'disconnects']),
      connMinute: upsertStatement(db, 'gold_conn_minute', ['minute', 'server'], ['connects', 'disconnects']),
      flowSecond: upsertStatement(db, 'gold_flow_second', ['sec', 'device', 'peer'], ['bytes']),
    }
    this.deviceMinutes = new DeviceMinutes(db)
    this.devices = new DeviceStates(db, deviceStates)
    this.live = new LiveState(db)
    this.seenBehind = seenBehindQuery(db)
    this.setSeenBehind = seenBehindSetter(db)
    this.touchServer = db.prepare(
      `INSERT INTO gold_servers (server, first_seen, last_seen) VALUES (?, ?, ?)
       ON CONFLICT (server) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
         last_seen = max(last_seen, excluded.last_seen)`,
    )
  }

  /** Folds up to `limit` silver events past the watermark into gold, inside the caller's transaction. */
  advance(limit: number): number {
    return this.advanceTo(Number.MAX_SAFE_INTEGER, limit)
  }

  /** Folds up to `limit` silver events past the watermark and at most id `upTo`, as `advance`. */
  advanceTo(upTo: number, limit: number): number {
    const rows = this.readStmt.all(this.watermarks.get('gold'), upTo, limit)
    this.fold(rows)
    return rows.length
  }

  /**
   * Folds silver events newer than the watermark, in id order, and moves the watermark past them. The
   * caller holds the transaction, and calls `forget()` if it rolls back.
   */
  fold(rows: readonly GoldInput[]): void {
    if (rows.length === 0) return
    const sums = {
      connSecond: new Sums2(),
      connMinute: new Sums2(),
      flowSecond: new Sums3(),
    }
    const usage = usageSums()
    const clients = new Map<string, [number, number]>()
    const servers = new Map<string, [number, number]>()
    // Per client, the plan of its latest connect in event time; of two at one ts, the later folded wins, as
    // the row's own plan_ts <= ts lets it.
    const plans = new Map<string, ClientPlan>()
    const span = (map: Map<string, [number, number]>, key: string, ts: number) => {
      const seen = map.get(key)
      if (!seen) map.set(key, [ts, ts])
      else {
        if (ts < seen[0]) seen[0] = ts
        if (ts > seen[1]) seen[1] = ts
      }
    }

    // The connected devices per second, when kept (connected-series.ts): each device's events of the batch.
    const seriesIdleMs = this.watermarks.get(SERIES_STAGE)
    const byDevice = new Map<string, SeriesEvent[]>()
    // The devices first: their rows are made whole, if a crash left them lagging, before the live state may
    // read them (seen-replay.ts).
    this.devices.load(rows.map((e) => e.device))
    const start = this.watermarks.get('gold')
    const anchor = this.live.anchor()
    let newest = anchor ?? -Infinity
    let from = Infinity
    let to = -Infinity
    this.deviceMinutes.begin()
    for (const e of rows) {
      from = Math.min(from, e.type === 'usage' ? e.ts - (e.duration_ms ?? 0) : e.ts)
      to = Math.max(to, e.ts)
      const sec = secondOf(e.ts)
      newest = Math.max(newest, sec)
      const minute = minuteOf(e.ts)
      const server = e.server ?? UNKNOWN_SERVER
      if (e.server) span(servers, e.server, e.ts)
      if (e.client) span(clients, e.client, e.ts)
      this.deviceMinutes.add(e)
      if (seriesIdleMs > 0) {
        const events = byDevice.get(e.device)
        if (events) events.push(e)
        else byDevice.set(e.device, [e])
      }
      if (e.type === 'connect' || e.type === 'disconnect') {
        const connects = e.type === 'connect' ? 1 : 0
        sums.connSecond.add(sec, server, connects, 1 - connects)
        sums.connMinute.add(minute, server, connects, 1 - connects)
        if (e.type === 'connect') {
          const latest = e.client ? plans.get(e.client) : undefined
          if (e.client && (!latest || e.ts >= latest.ts)) plans.set(e.client, { plan: e.plan_mbps, ts: e.ts })
          this.reattribute(e, usage.typeSecond)
        }
      } else if (e.type === 'usage') {
        addUsage(usage, e, server, e.client ?? '', this.typeAt(e.device, e.ts, e.id))
      } else {
        sums.flowSecond.add(sec, e.device, e.peer ?? '', e.bytes ?? 0)
      }
      this.devices.apply(e)
    }

    const series =
      seriesIdleMs > 0
        ? this.series.begin(
            seriesIdleMs,
            byDevice,
            (d) => this.devices.beforeOf(d),
            (d) => this.devices.get(d)!,
            this.watermarks.get('gold'),
          )
        : null

    // The flows' bytes per device and peer in the seconds after `after`.
    function* pairsAfter(after: number) {
      for (const { key, values } of sums.flowSecond.entries)
        if ((key[0] as number) > after) yield { key: key.slice(1) as string[], bytes: values[0]! }
    }
    const live = this.live.begin(anchor, newest, (after) => usage.clientParts.after(after), pairsAfter)
    for (const [name, sum] of Object.entries(sums) as [keyof typeof sums, Sums][]) {
      const stmt = this.upserts[name]
      for (const { key, values } of sum.entries) stmt.run(...key, ...values)
    }
    this.usage.write(usage)
    this.clientMinutes.write(anchor, newest, usage.clientParts)
    this.live.noteWrittenParts(usage.clientParts)
    // Each device's latest minute goes into its row; the older minutes' rows after it, as the row may hand
    // its previous latest minute to gold_device_minutes.
    const latest = this.deviceMinutes.takeLatest((device) => minuteOf(this.devices.get(device)!.last_seen))
    const changes = this.devices.flush(latest, { at: Date.now(), watermark: start })
    // Rows left lagging their states (gold's thread): since when, for a replay after a crash.
    this.noteSeenBehind()
    // Its own statements read the devices' last seen from memory, as the readers do (a client's live_until
    // counted again).
    readingSeen(this.db, this.devices.seenView(), () => {
      this.live.moveDevices(live, changes)
      this.deviceMinutes.write()
      if (series) this.series.finish(series, rows.at(-1)!.id)
      this.live.moveClientWindows(live)
      for (const [client, [first, last]] of clients)
        this.live.writeClient(live, client, { first, last, plan: plans.get(client) })
      this.live.finish(live)
    })
    for (const [server, [first, last]] of servers) this.touchServer.run(server, first, last)
    this.watermarks.set('gold', rows.at(-1)!.id)
    this.folded = hull(this.folded, { from, to })
  }

  /** The event time of the events folded since the last call (null for none), and starts again. */
  takeFolded(): EventSpan | null {
    const span = this.folded
    this.folded = null
    return span
  }

  /**
   * The device type of `device` at `ts`: the type of its latest connect at or before `ts`, among the events
   * folded before silver id `id` (a connect folded later re-attributes, see `reattribute`), or 'unknown'
   * when there is none.
   */
  private typeAt(device: string, ts: number, id: number): string {
    const s = this.devices.get(device)
    if (!s || s.connect_ts === null) return UNKNOWN_DEVICE_TYPE
    if (ts >= s.connect_ts) return s.device_type ?? UNKNOWN_DEVICE_TYPE
    // Older than the device's latest connect: the connect that was current at ts.
    const row = this.latestConnect.get(device, ts, id)
    return row ? (row.device_type ?? UNKNOWN_DEVICE_TYPE) : UNKNOWN_DEVICE_TYPE
  }

  /**
   * A connect folded after samples of its device that follow it in event time (a late or reordered
   * connect) becomes the latest connect at or before them, up to the device's next connect: their bytes
   * move from the type they were counted under to this connect's type, second by second.
   */
  private reattribute(e: GoldInput, typeSecond: Sums2): void {
    const s = this.devices.get(e.device)
    if (!s || s.last_seen < e.ts) return
    const to = e.device_type ?? UNKNOWN_DEVICE_TYPE
    const from = this.typeAt(e.device, e.ts, e.id)
    if (from === to) return
    // The device's next connect after this one in event time (none when no folded connect is later).
    const next =
      s.connect_ts !== null && s.connect_ts > e.ts
        ? (this.nextConnect.get(e.device, e.ts, e.id) ?? null)
        : null
    const until = Math.min(next === null ? Infinity : next - 1, s.last_seen)
    for (let m = minuteOf(e.ts); m <= minuteOf(until); m++) {
      for (const u of this.deviceMinutes.samplesBefore(m, e.device, e.id, this.devices.heldOf(e.device))) {
        if (u.ts < e.ts || u.ts > until) continue
        spreadSample(u.ts, u.duration_ms, u.bytes_down ?? 0, u.bytes_up ?? 0, 1000, (sec, d, up) => {
          typeSecond.add(sec, from, -(d + up))
          typeSecond.add(sec, to, d + up)
        })
      }
    }
  }

  /**
   * Reads what gold keeps in memory of the database (every device's state, the clients' bytes per server in
   * the window) ahead of the first fold.
   */
  preload(): void {
    this.devices.fill()
    this.live.preload()
  }

  /**
   * Writes the devices' rows that lag their states (deferSeen), in the caller's transaction: gold's thread does
   * once a minute, and before another writer writes gold.
   */
  checkpoint(): void {
    this.devices.checkpoint()
    this.noteSeenBehind()
  }

  /** Writes seen-marker.ts's marker when the rows that lag moved it. */
  private noteSeenBehind(): void {
    const since = this.devices.lagsSince()
    if (since !== this.seenBehind()) this.setSeenBehind(since)
  }

  /** Drops what is remembered of the database: after a rollback, a rebuild or another writer's commit. */
  forget(): void {
    this.devices.forget()
    this.live.forget()
  }

  /** The clients' rows written since the last call, for the readers (ClientStates.takeChanges). */
  takeClientChanges(full = false): ClientChanges {
    return this.live.takeClientChanges(full)
  }

  /** Every device's last_seen and latest minute's first ts, for the readers' copy (DeviceStates.seenCopy). */
  seenCopy(): SeenCopy | null {
    return this.devices.seenCopy()
  }

  /** Forgets the windows of the live state only: after retention counted them again. */
  forgetWindows(): void {
    this.live.forget()
  }
}
