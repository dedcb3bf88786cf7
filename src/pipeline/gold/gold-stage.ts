// Silver -> gold: incremental aggregates in event time. A batch is summed in memory and written as one
// upsert per bucket, so gold costs little more than the number of distinct (bucket, key) pairs.
import type { Db } from '../db/open'
import type { Watermarks } from '../watermarks'
import { secondOf, minuteOf } from './buckets'
import { DeviceStates } from './device-states'
import { LiveState } from './live-state'

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
}

type KeyPart = string | number

interface SumEntry {
  key: KeyPart[]
  values: number[]
}

/**
 * Sums of values per composite key, with the key parts kept to write them back, in the order each key first
 * came. The parts index nested maps, the first (a second or a minute) outermost: no key string is built per
 * event, as joining the parts was (about 2 µs per event more, docs/benchmarks.md, change 24).
 */
abstract class Sums {
  readonly entries: SumEntry[] = []

  protected added(key: KeyPart[], values: number[]): SumEntry {
    const entry = { key, values }
    this.entries.push(entry)
    return entry
  }
}

/** Two key parts, one or two values. */
class Sums2 extends Sums {
  private readonly index = new Map<KeyPart, Map<KeyPart, SumEntry>>()

  add(a: KeyPart, b: KeyPart, v0: number, v1?: number): void {
    let byB = this.index.get(a)
    if (!byB) this.index.set(a, (byB = new Map()))
    const entry = byB.get(b)
    if (!entry) byB.set(b, this.added([a, b], v1 === undefined ? [v0] : [v0, v1]))
    else {
      entry.values[0]! += v0
      if (v1 !== undefined) entry.values[1]! += v1
    }
  }
}

/** Three key parts, one value. */
class Sums3 extends Sums {
  private readonly index = new Map<KeyPart, Map<KeyPart, Map<KeyPart, SumEntry>>>()

  add(a: KeyPart, b: KeyPart, c: KeyPart, v: number): void {
    let byB = this.index.get(a)
    if (!byB) this.index.set(a, (byB = new Map()))
    let byC = byB.get(b)
    if (!byC) byB.set(b, (byC = new Map()))
    const entry = byC.get(c)
    if (!entry) byC.set(c, this.added([a, b, c], [v]))
    else entry.values[0]! += v
  }
}

const UNKNOWN_SERVER = '(unknown)'
export const UNKNOWN_DEVICE_TYPE = 'unknown'

export class GoldStage {
  private readonly readStmt
  private readonly upserts
  private readonly devices: DeviceStates
  private readonly live: LiveState
  private readonly touchClient
  private readonly touchClientMain
  private readonly clientPlan
  private readonly touchServer
  private readonly deviceMinute

  constructor(
    private readonly db: Db,
    private readonly watermarks: Watermarks,
  ) {
    this.readStmt = db.prepare<[number, number], GoldInput>(
      `SELECT id, ts, type, server, device, client, peer, device_type, plan_mbps, ip, bytes_down, bytes_up, bytes
       FROM silver_events WHERE id > ? ORDER BY id LIMIT ?`,
    )
    const upsert = (table: string, keys: string[], values: string[]) =>
      db.prepare(
        `INSERT INTO ${table} (${[...keys, ...values].join(', ')}) VALUES (${[...keys, ...values].map(() => '?').join(', ')})
         ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${values.map((v) => `${v} = ${v} + excluded.${v}`).join(', ')}`,
      )
    this.upserts = {
      connSecond: upsert('gold_conn_second', ['sec', 'server'], ['connects', 'disconnects']),
      connMinute: upsert('gold_conn_minute', ['minute', 'server'], ['connects', 'disconnects']),
      usageSecond: upsert('gold_usage_second', ['sec', 'server'], ['bytes_down', 'bytes_up']),
      usageMinute: upsert('gold_usage_minute', ['minute', 'server'], ['bytes_down', 'bytes_up']),
      clientSecond: upsert('gold_client_usage_second', ['sec', 'client', 'server'], ['bytes']),
      clientMinute: upsert('gold_client_usage_minute', ['minute', 'client', 'server'], ['bytes']),
      typeSecond: upsert('gold_device_type_usage_second', ['sec', 'device_type'], ['bytes']),
      flowSecond: upsert('gold_flow_second', ['sec', 'device', 'peer'], ['bytes']),
    }
    this.deviceMinute = db.prepare(
      `INSERT INTO gold_device_minutes (minute, device, first_ts, last_ts) VALUES (?, ?, ?, ?)
       ON CONFLICT (minute, device) DO UPDATE SET first_ts = min(first_ts, excluded.first_ts),
         last_ts = max(last_ts, excluded.last_ts)`,
    )
    this.devices = new DeviceStates(db)
    this.live = new LiveState(db)
    // With the client's move of the live state: live_until only forward, window bytes and devices added; and
    // its main server when the batch moved its window (LiveState.moveClientWindows).
    const touchClient = (main: boolean) =>
      db.prepare(
        `INSERT INTO gold_clients (client, first_seen, last_seen, live_until, window_bytes, devices
           ${main ? ', main_server, main_bytes' : ''})
         VALUES (?, ?, ?, ?, ?, ?${main ? ', ?, ?' : ''})
         ON CONFLICT (client) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
           last_seen = max(last_seen, excluded.last_seen),
           live_until = coalesce(max(live_until, excluded.live_until), live_until, excluded.live_until),
           window_bytes = window_bytes + excluded.window_bytes, devices = devices + excluded.devices
           ${main ? ', main_server = excluded.main_server, main_bytes = excluded.main_bytes' : ''}`,
      )
    this.touchClient = touchClient(false)
    this.touchClientMain = touchClient(true)
    this.clientPlan = db.prepare(
      `UPDATE gold_clients SET plan_mbps = ?, plan_ts = ? WHERE client = ? AND (plan_ts IS NULL OR plan_ts <= ?)`,
    )
    this.touchServer = db.prepare(
      `INSERT INTO gold_servers (server, first_seen, last_seen) VALUES (?, ?, ?)
       ON CONFLICT (server) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen),
         last_seen = max(last_seen, excluded.last_seen)`,
    )
  }

  /** Folds up to `limit` silver events past the watermark into gold, inside the caller's transaction. */
  advance(limit: number): number {
    const rows = this.readStmt.all(this.watermarks.get('gold'), limit)
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
      usageSecond: new Sums2(),
      usageMinute: new Sums2(),
      clientSecond: new Sums3(),
      clientMinute: new Sums3(),
      typeSecond: new Sums2(),
      flowSecond: new Sums3(),
    }
    const clients = new Map<string, [number, number]>()
    const servers = new Map<string, [number, number]>()
    const plans: { client: string; plan: number | null; ts: number }[] = []
    // Per minute, then device: its first and last event.
    const deviceMinutes = new Map<number, Map<string, [first: number, last: number]>>()
    const span = (map: Map<string, [number, number]>, key: string, ts: number) => {
      const seen = map.get(key)
      if (!seen) map.set(key, [ts, ts])
      else {
        if (ts < seen[0]) seen[0] = ts
        if (ts > seen[1]) seen[1] = ts
      }
    }

    const anchor = this.live.anchor()
    let newest = anchor ?? -Infinity
    this.devices.load(rows.map((e) => e.device))
    for (const e of rows) {
      const sec = secondOf(e.ts)
      newest = Math.max(newest, sec)
      const minute = minuteOf(e.ts)
      const server = e.server ?? UNKNOWN_SERVER
      if (e.server) span(servers, e.server, e.ts)
      if (e.client) span(clients, e.client, e.ts)
      let ofMinute = deviceMinutes.get(minute)
      if (!ofMinute) deviceMinutes.set(minute, (ofMinute = new Map()))
      span(ofMinute, e.device, e.ts)
      if (e.type === 'connect' || e.type === 'disconnect') {
        const connects = e.type === 'connect' ? 1 : 0
        sums.connSecond.add(sec, server, connects, 1 - connects)
        sums.connMinute.add(minute, server, connects, 1 - connects)
        if (e.type === 'connect' && e.client) plans.push({ client: e.client, plan: e.plan_mbps, ts: e.ts })
      } else if (e.type === 'usage') {
        const down = e.bytes_down ?? 0
        const up = e.bytes_up ?? 0
        sums.usageSecond.add(sec, server, down, up)
        sums.usageMinute.add(minute, server, down, up)
        sums.clientSecond.add(sec, e.client ?? '', server, down + up)
        sums.clientMinute.add(minute, e.client ?? '', server, down + up)
        const type = this.devices.get(e.device)?.device_type ?? UNKNOWN_DEVICE_TYPE
        sums.typeSecond.add(sec, type, down + up)
      } else {
        sums.flowSecond.add(sec, e.device, e.peer ?? '', e.bytes ?? 0)
      }
      this.devices.apply(e)
    }

    // Per second, the key after the second (client and server, or device and peer), and the bytes.
    function* keyedSeconds(sum: Sums) {
      for (const { key, values } of sum.entries)
        yield { sec: key[0] as number, key: key.slice(1) as string[], bytes: values[0]! }
    }
    const live = this.live.begin(
      anchor,
      newest,
      keyedSeconds(sums.clientSecond),
      keyedSeconds(sums.flowSecond),
    )
    for (const [name, sum] of Object.entries(sums) as [keyof typeof sums, Sums][]) {
      const stmt = this.upserts[name]
      for (const { key, values } of sum.entries) stmt.run(...key, ...values)
    }
    for (const [minute, ofMinute] of deviceMinutes)
      for (const [device, [first, last]] of ofMinute) this.deviceMinute.run(minute, device, first, last)
    this.live.moveDevices(live, this.devices.flush())
    this.live.moveClientWindows(live)
    for (const [client, [first, last]] of clients) {
      const { until, bytes, devices, main } = this.live.takeClient(live, client)
      if (main) this.touchClientMain.run(client, first, last, until, bytes, devices, main.server, main.bytes)
      else this.touchClient.run(client, first, last, until, bytes, devices)
    }
    for (const { client, plan, ts } of plans) this.clientPlan.run(plan, ts, client, ts)
    this.live.finish(live)
    for (const [server, [first, last]] of servers) this.touchServer.run(server, first, last)
    this.watermarks.set('gold', rows.at(-1)!.id)
  }

  /** Drops what is remembered of the database: after a rollback, a rebuild or another writer's commit. */
  forget(): void {
    this.devices.forget()
  }
}
