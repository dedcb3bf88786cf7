// An experiment, not one of the targets: the least gold would cost per event with the layout #18 names,
// state in memory and per-key rows written once per minute (docs/benchmarks.md, the eleventh steps, 7.).
// Today's gold writes each device's and client's rows in every fold that touches them, and on 255,000
// devices a fold of up to 100,000 events holds about one event per device: 33-54 µs per event. This fold
// keeps every device's state in typed arrays and, per fold, writes only rows keyed by time (connects and
// usage per second and server, usage per second and device type, flows per second and pair, the live
// counts of connected devices per second of their last event and of devices per second of their latest
// connect); each device's and client's rows, and each client's usage per minute and server, it writes once
// per minute of event time, when the newest event leaves a minute. It is a floor, not an engine: it leaves
// out what late events need (moving a device's usage to the type of a connect folded after it, a late
// device's connected seconds, the usage ids kept for lineage), every figure read back from silver, and
// tables today's gold also keeps: the connected devices per second (gold_connected_changes and _minutes),
// each device's and client's minutes (gold_device_minutes, gold_client_minutes), the pairs' and the clients'
// windows (gold_live_pairs, gold_live_client_servers), gold_live, gold_servers and the watermark.
//
// `npx tsx bench/gold-v2-floor.ts [events]`, after `npm run bench` has built the full datasets: a copy of the
// warm database takes `events` more events into silver (300,000 by default); today's gold folds the first
// half (the simulation's opening and its state), then each fold, today's and this one, folds the second half
// on a copy of that, in folds of 5,000 and 20,000 events, alone on one thread.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { copyDatabase } from '../src/pipeline/db/gold-file'
import { openDb, type Db } from '../src/pipeline/db/open'
import { leaveCheckpointsToOthers } from '../src/pipeline/db/wal-checkpoint'
import { encodeParts } from '../src/pipeline/db/usage-parts'
import { Engine, type IncomingFrame } from '../src/pipeline/engine'
import type { GoldInput } from '../src/pipeline/gold/gold-stage'
import { GoldWriter } from '../src/pipeline/gold/gold-writer'
import { Interner } from '../src/pipeline/gold/interner'
import { spreadSample } from '../src/pipeline/gold/spread'
import { FRAME_EVENTS, FRAMES_PER_CALL, SIZES, WARM_EVENTS } from './config'
import { framesOf, lines, ndjsonFile, warmDb } from './datasets'

const EVENTS = Number(process.argv[2] ?? 300_000)
const FOLDS = [5_000, 20_000]
const NONE = 0
const CONNECT = 1
const DISCONNECT = 2

/** Adds `n` to the sum under `key`. */
const add = <K>(sums: Map<K, number>, key: K, n: number) => sums.set(key, (sums.get(key) ?? 0) + n)

/** The fold of the layout #18 names, reduced to what it must write; see the top of the file. */
class LeanGold {
  // Servers and device types are a few dozen each: a second, server and type make one number as a key.
  private readonly servers = new Interner()
  private readonly types = new Interner()
  private readonly clients = new Interner()
  private readonly ips = new Interner()
  private readonly slots = new Map<string, number>()
  private size = 0
  private lastSec = new Float64Array(1 << 18)
  private lastSeen = new Float64Array(1 << 18)
  private firstSeen = new Float64Array(1 << 18)
  private connectTs = new Float64Array(1 << 18)
  private statusTs = new Float64Array(1 << 18)
  private status = new Uint8Array(1 << 18)
  private server = new Int32Array(1 << 18)
  private client = new Int32Array(1 << 18)
  private type = new Int32Array(1 << 18)
  private plan = new Int32Array(1 << 18)
  private ip = new Int32Array(1 << 18)
  /** Devices and clients changed since the last minute's write. */
  private readonly dirtyDevices = new Set<number>()
  private readonly dirtyClients = new Map<number, { first: number; last: number; plan: number }>()
  /** Each client's usage parts per minute and server, until the minute is written. */
  private readonly parts = new Map<number, Float64Array>()
  private newestMinute = -Infinity
  /** Time spent writing the per-key rows of closed minutes, and how many times they were written. */
  minuteMs = 0
  minuteWrites = 0
  private readonly stmts

  constructor(private readonly db: Db) {
    const upsert = (table: string, keys: string[], values: string[]) =>
      db.prepare(
        `INSERT INTO ${table} (${[...keys, ...values].join(', ')}) VALUES (${[...keys, ...values].map(() => '?').join(', ')})
         ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${values.map((v) => `${v} = ${v} + excluded.${v}`).join(', ')}`,
      )
    this.stmts = {
      conn: upsert('gold_conn_second', ['sec', 'server'], ['connects', 'disconnects']),
      usage: upsert('gold_usage_second', ['sec', 'server'], ['bytes_down', 'bytes_up']),
      type: upsert('gold_device_type_usage_second', ['sec', 'device_type'], ['bytes']),
      flow: upsert('gold_flow_second', ['sec', 'device', 'peer'], ['bytes']),
      live: upsert('gold_live_devices', ['last_sec', 'server', 'device_type'], ['devices', 'plan_kbps']),
      connects: upsert('gold_live_connects', ['sec'], ['devices']),
      device: db.prepare(
        `INSERT INTO gold_devices (device, server, client, device_type, plan_mbps, ip, connect_ts, status,
           status_ts, first_seen, last_seen, minute_first_ts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (device) DO UPDATE SET server = excluded.server, device_type = excluded.device_type,
           plan_mbps = excluded.plan_mbps, ip = excluded.ip, connect_ts = excluded.connect_ts,
           status = excluded.status, status_ts = excluded.status_ts, first_seen = excluded.first_seen,
           last_seen = excluded.last_seen, minute_first_ts = excluded.minute_first_ts`,
      ),
      client: db.prepare(
        `INSERT INTO gold_clients (client, plan_mbps, first_seen, last_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT (client) DO UPDATE SET plan_mbps = excluded.plan_mbps,
           first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
      ),
      parts: db.prepare(
        `INSERT OR REPLACE INTO gold_client_usage_parts (minute, client, server, bytes, parts) VALUES (?, ?, ?, ?, ?)`,
      ),
    }
  }

  /** Every device's state from gold_devices, as today's gold reads them when it opens (not timed). */
  preload(): void {
    const rows = this.db
      .prepare<
        [],
        [
          string,
          string | null,
          string | null,
          string | null,
          number | null,
          string | null,
          number | null,
          string | null,
          number | null,
          number,
          number,
        ]
      >(
        `SELECT device, server, client, device_type, plan_mbps, ip, connect_ts, status, status_ts, first_seen,
           last_seen FROM gold_devices`,
      )
      .raw()
    for (const [
      device,
      server,
      client,
      type,
      plan,
      ip,
      connectTs,
      status,
      statusTs,
      first,
      last,
    ] of rows.iterate()) {
      const slot = this.slot(device)
      this.server[slot] = this.servers.id(server)
      this.client[slot] = this.clients.id(client)
      this.type[slot] = this.types.id(type)
      this.plan[slot] = Math.round((plan ?? 0) * 1000)
      this.ip[slot] = this.ips.id(ip)
      this.connectTs[slot] = connectTs ?? 0
      this.status[slot] = status === 'connect' ? CONNECT : status === 'disconnect' ? DISCONNECT : NONE
      this.statusTs[slot] = statusTs ?? 0
      this.firstSeen[slot] = first
      this.lastSeen[slot] = last
      this.lastSec[slot] = Math.ceil(last / 1000)
    }
  }

  private slot(device: string): number {
    let slot = this.slots.get(device)
    if (slot === undefined) {
      if (this.size === this.status.length) throw new Error('more devices than this experiment holds')
      slot = this.size++
      this.slots.set(device, slot)
      this.status[slot] = NONE
      this.lastSec[slot] = NaN
      this.firstSeen[slot] = Infinity
      this.lastSeen[slot] = -Infinity
    }
    return slot
  }

  /** Folds one batch in one transaction: the time-keyed rows now, the per-key rows of the minutes it closed. */
  fold(rows: readonly GoldInput[]): void {
    // Keys: second * 256 + server (or type); a live count's, (second * 256 + server) * 256 + type.
    const conn = new Map<number, number>()
    const disc = new Map<number, number>()
    const down = new Map<number, number>()
    const up = new Map<number, number>()
    const types = new Map<number, number>()
    const flows = new Map<string, number>()
    const live = new Map<number, number>()
    const livePlan = new Map<number, number>()
    const connects = new Map<number, number>()
    const move = (slot: number, sign: number) => {
      if (this.status[slot] !== CONNECT) return
      const key = (this.lastSec[slot]! * 256 + this.server[slot]!) * 256 + this.type[slot]!
      add(live, key, sign)
      add(livePlan, key, sign * this.plan[slot]!)
    }
    for (const e of rows) {
      const sec = Math.ceil(e.ts / 1000)
      const slot = this.slot(e.device)
      const server = this.servers.id(e.server ?? '(unknown)')
      const isStatus = e.type === 'connect' || e.type === 'disconnect'
      // Out of the live counts with its state before the event, back in with its state after it.
      move(slot, -1)
      if (isStatus && e.ts >= this.statusTs[slot]!) {
        this.status[slot] = e.type === 'connect' ? CONNECT : DISCONNECT
        this.statusTs[slot] = e.ts
      }
      if (e.type === 'connect' && !(e.ts < this.connectTs[slot]!)) {
        if (this.connectTs[slot]) add(connects, Math.ceil(this.connectTs[slot]! / 1000), -1)
        add(connects, sec, 1)
        this.connectTs[slot] = e.ts
        this.server[slot] = server
        this.client[slot] = this.clients.id(e.client)
        this.type[slot] = this.types.id(e.device_type)
        this.plan[slot] = Math.round((e.plan_mbps ?? 0) * 1000)
        this.ip[slot] = this.ips.id(e.ip)
      }
      if (e.ts > this.lastSeen[slot]!) {
        this.lastSeen[slot] = e.ts
        this.lastSec[slot] = sec
      }
      this.firstSeen[slot] = Math.min(this.firstSeen[slot]!, e.ts)
      move(slot, 1)
      this.dirtyDevices.add(slot)
      if (e.client) {
        const id = this.clients.id(e.client)
        const seen = this.dirtyClients.get(id)
        if (seen) {
          seen.first = Math.min(seen.first, e.ts)
          seen.last = Math.max(seen.last, e.ts)
          if (e.type === 'connect') seen.plan = e.plan_mbps ?? 0
        } else this.dirtyClients.set(id, { first: e.ts, last: e.ts, plan: e.plan_mbps ?? 0 })
      }
      if (isStatus) add(e.type === 'connect' ? conn : disc, sec * 256 + server, 1)
      else if (e.type === 'usage') {
        const type = this.type[slot]!
        const client = this.clients.id(e.client ?? '')
        spreadSample(e.ts, e.duration_ms, e.bytes_down ?? 0, e.bytes_up ?? 0, 1000, (s, d, u) => {
          add(down, s * 256 + server, d)
          add(up, s * 256 + server, u)
          add(types, s * 256 + type, d + u)
          const minute = Math.ceil(s / 60)
          const key = (minute * 2 ** 20 + client) * 256 + server
          let parts = this.parts.get(key)
          if (!parts) this.parts.set(key, (parts = new Float64Array(60)))
          parts[s - (minute - 1) * 60 - 1]! += d + u
        })
      } else add(flows, `${sec}\u0000${e.device}\u0000${e.peer ?? ''}`, e.bytes ?? 0)
      this.newestMinute = Math.max(this.newestMinute, Math.ceil(sec / 60))
    }
    const server = (key: number) => this.servers.value(key % 256) ?? ''
    const second = (key: number) => Math.floor(key / 256)
    this.db.transaction(() => {
      for (const [key, n] of conn) this.stmts.conn.run(second(key), server(key), n, 0)
      for (const [key, n] of disc) this.stmts.conn.run(second(key), server(key), 0, n)
      for (const [key, d] of down) this.stmts.usage.run(second(key), server(key), d, up.get(key) ?? 0)
      for (const [key, bytes] of types)
        this.stmts.type.run(second(key), this.types.value(key % 256) ?? 'unknown', bytes)
      for (const [key, bytes] of flows) {
        const [sec, device, peer] = key.split('\u0000')
        this.stmts.flow.run(Number(sec), device, peer, bytes)
      }
      for (const [key, n] of live) {
        if (n === 0) continue
        const type = this.types.value(key % 256) ?? ''
        const rest = Math.floor(key / 256)
        this.stmts.live.run(Math.floor(rest / 256), server(rest), type, n, livePlan.get(key) ?? 0)
      }
      for (const [sec, n] of connects) if (n !== 0) this.stmts.connects.run(sec, n)
      this.writeClosedMinutes()
    })()
  }

  /** Writes every minute's per-key rows as if the newest minute had closed: what one minute's write costs. */
  writeAll(): { devices: number; clients: number; parts: number } {
    const counts = {
      devices: this.dirtyDevices.size,
      clients: this.dirtyClients.size,
      parts: this.parts.size,
    }
    this.newestMinute = Infinity
    this.db.transaction(() => this.writeClosedMinutes())()
    return counts
  }

  /** Each device's and client's row, and the usage parts of the minutes before the newest, once a minute. */
  private writeClosedMinutes(): void {
    const started = performance.now()
    let closed = false
    for (const [key, parts] of this.parts) {
      const minute = Math.floor(key / 2 ** 28)
      if (minute >= this.newestMinute) continue
      closed = true
      const client = this.clients.value(Math.floor(key / 256) % 2 ** 20) ?? ''
      const bytes = parts.reduce((a, b) => a + b, 0)
      this.stmts.parts.run(minute, client, this.servers.value(key % 256) ?? '', bytes, encodeParts(parts))
      this.parts.delete(key)
    }
    if (!closed) return
    const orNull = (n: number) => (n ? n : null)
    for (const [device, slot] of this.slots) {
      if (!this.dirtyDevices.has(slot)) continue
      const status = this.status[slot]
      this.stmts.device.run(
        device,
        this.servers.value(this.server[slot]!) ?? null,
        this.clients.value(this.client[slot]!) ?? null,
        this.types.value(this.type[slot]!) ?? null,
        this.plan[slot]! / 1000,
        this.ips.value(this.ip[slot]!) ?? null,
        orNull(this.connectTs[slot]!),
        status === CONNECT ? 'connect' : status === DISCONNECT ? 'disconnect' : null,
        orNull(this.statusTs[slot]!),
        this.firstSeen[slot],
        this.lastSeen[slot],
        this.lastSeen[slot],
      )
    }
    this.dirtyDevices.clear()
    for (const [client, seen] of this.dirtyClients)
      this.stmts.client.run(this.clients.value(client), seen.plan, seen.first, seen.last)
    this.dirtyClients.clear()
    this.minuteMs += performance.now() - started
    this.minuteWrites++
  }
}

/** A copy of the warm database whose silver holds EVENTS more events, gold folded up to the first half. */
async function base(dir: string): Promise<string> {
  const path = join(dir, 'base.db')
  await warmDb(path, 'full')
  const frames: IncomingFrame[] = []
  const source = lines(await ndjsonFile(SIZES.full.fileBytes), EVENTS, WARM_EVENTS)
  for await (const bytes of framesOf(source, FRAME_EVENTS))
    frames.push({ source: 'bench', seq: null, receivedAt: Date.now(), bytes })
  // Silver only: a lag longer than the run, and a batch larger than it.
  const engine = Engine.open(path, { goldLagMs: 3_600_000, goldBatch: Number.MAX_SAFE_INTEGER })
  for (let i = 0; i < frames.length; i += FRAMES_PER_CALL)
    engine.ingestFrames(frames.slice(i, i + FRAMES_PER_CALL))
  engine.db.close()
  const db = openDb(path)
  const writer = new GoldWriter(db)
  writer.catchUp(writer.watermark() + EVENTS / 2)
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
  return path
}

/** Folds silver past gold's watermark in batches of `size`, timed; `folder` is made (and reads its state) first. */
function foldAll(path: string, size: number, folder: (db: Db) => (rows: GoldInput[]) => void): number {
  const db = openDb(path)
  // As gold's thread does, whose log another thread copies into the file: neither fold checkpoints in the clock.
  leaveCheckpointsToOthers(db)
  const fold = folder(db)
  const watermark = db
    .prepare<[], number>(`SELECT last_id FROM pipeline_gold_watermarks WHERE stage = 'gold'`)
    .pluck()
    .get()!
  const read = db.prepare<[number, number], GoldInput>(
    `SELECT id, ts, type, server, device, client, peer, device_type, plan_mbps, ip, bytes_down, bytes_up, bytes,
       duration_ms FROM silver_events WHERE id > ? ORDER BY id LIMIT ?`,
  )
  const batches: GoldInput[][] = []
  for (let from = watermark; ;) {
    const rows = read.all(from, size)
    if (rows.length === 0) break
    batches.push(rows)
    from = rows.at(-1)!.id
  }
  const events = batches.reduce((n, b) => n + b.length, 0)
  const started = performance.now()
  for (const rows of batches) fold(rows)
  const us = ((performance.now() - started) * 1000) / events
  open.push(db)
  return us
}

/** Connections foldAll leaves open (a last write may follow), closed at the end. */
const open: Db[] = []

const dir = mkdtempSync(join(tmpdir(), 'vigia-gold-v2-floor-'))
try {
  const path = await base(dir)
  for (const size of FOLDS) {
    copyDatabase(path, join(dir, `today-${size}.db`))
    const today = foldAll(join(dir, `today-${size}.db`), size, (db) => {
      const writer = new GoldWriter(db)
      writer.preload()
      return (rows) => writer.fold(rows)
    })
    copyDatabase(path, join(dir, `lean-${size}.db`))
    // Its connection stays open for the last write below.
    let lean: LeanGold | null = null
    const floor = foldAll(join(dir, `lean-${size}.db`), size, (db) => {
      const fold = new LeanGold(db)
      fold.preload()
      lean = fold
      return (rows) => fold.fold(rows)
    })
    const { minuteMs, minuteWrites } = lean!
    // A minute of the benchmark network's traffic (20,000 events/s) is 1,200,000 events, more than this run:
    // its per-key rows are written once at the end, timed, and counted per event of such a minute.
    const started = performance.now()
    const written = lean!.writeAll()
    const writeMs = performance.now() - started
    console.log(
      `folds of ${size.toLocaleString('en')} events (${(EVENTS / 2).toLocaleString('en')} events): today's gold ${today.toFixed(1)} µs per event, state in memory and per-key rows per minute ${floor.toFixed(1)} µs per event, of which ${minuteWrites} writes of the minutes' per-key rows ${((minuteMs * 1000) / (EVENTS / 2)).toFixed(1)}; every per-key row written once at the end (${written.devices.toLocaleString('en')} devices, ${written.clients.toLocaleString('en')} clients, ${written.parts.toLocaleString('en')} client minutes): ${writeMs.toFixed(0)} ms, ${((writeMs * 1000) / 1_200_000).toFixed(2)} µs per event of a minute at 20,000 events/s`,
    )
  }
} finally {
  for (const db of open) db.close()
  rmSync(dir, { recursive: true, force: true })
}
