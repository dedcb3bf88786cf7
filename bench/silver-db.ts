// The database the metrics are read from: N simulated events in silver and their gold, built once by a
// fast path and cached in bench/data/. The fast path writes silver directly (its secondary indexes built
// after the load) and folds gold in memory in one pass; a self-check proves it gives the same silver and
// gold as the engine on a sample before a cache is built.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { attachGold, DATABASE_SCHEMAS, databaseFiles, renameDatabase } from '../src/pipeline/db/gold-file'
import { migrate, type Db } from '../src/pipeline/db/open'
import { Engine } from '../src/pipeline/engine'
import { goldTableNames } from '../src/pipeline/gold/tables'
import { DeviceStates } from '../src/pipeline/gold/device-states'
import { LATEST_MINUTES_INTO_DEVICES_SQL } from '../src/pipeline/gold/device-minutes'
import { minuteOf, secondOf } from '../src/pipeline/gold/buckets'
import { encodeIds } from '../src/pipeline/gold/id-list'
import { refillLiveState } from '../src/pipeline/gold/live-state'
import { registerUsageParts } from '../src/pipeline/db/usage-parts'
import { refoldUsage } from '../src/pipeline/gold/usage-refold'
import { refillConnectedSeries, seriesIdleMs } from '../src/pipeline/gold/connected-series'
import { pipelineSettings } from '../src/shared/settings'
import type { SilverEvent as Normalized } from '../src/pipeline/silver/normalize'
import { silverInsert, type Lineage } from '../src/pipeline/silver/silver-stage'
import { createSimulation, recordToLine } from '../src/pipeline/simulator'
import { DATA_DIR, FRAME_EVENTS, NETWORK, schemaFingerprint } from './config'
import type { EventRow } from './datasets'
import { tableDump } from './table-dump'

/** Bump when the fast path changes: the cache name depends on it, the schema and the network. */
const BUILDER_VERSION = 8
const SELF_CHECK_EVENTS = 30_000
const TRANSACTION_ROWS = 100_000

const SILVER_COLUMNS = [
  'event_id',
  'ts',
  'type',
  'server',
  'device',
  'client',
  'peer',
  'device_type',
  'plan_mbps',
  'ip',
  'bytes_down',
  'bytes_up',
  'bytes',
  'duration_ms',
] as const

type Key = (string | number)[]

/** Sums per composite key, as the gold stage keeps them for a batch. */
class Sums {
  readonly entries = new Map<string, { key: Key; values: number[] }>()

  add(key: Key, values: number[]): void {
    const k = key.join('\u0000')
    const entry = this.entries.get(k)
    if (!entry) this.entries.set(k, { key, values: [...values] })
    else for (let i = 0; i < values.length; i++) entry.values[i]! += values[i]!
  }
}

const secondSums = () => ({
  conn: new Sums(),
  flow: new Sums(),
})

/**
 * Gold folded in memory, in silver id order, by the gold stage's rules (docs/pipeline.md, Gold): the device
 * states with the engine's own DeviceStates, never flushed before the end. Simulated time only moves
 * forward, so the large per-second tables are written out as each second closes. The usage tables are
 * counted after the load (refoldUsage): a sample's bytes reach back into seconds already closed.
 */
class GoldFold {
  private readonly devices: DeviceStates
  private readonly clients = new Map<
    string,
    { first: number; last: number; plan: number | null; planTs: number | null }
  >()
  private readonly servers = new Map<string, [number, number]>()
  private readonly minutes = { conn: new Sums() }
  /** The current minute's first and last event per device, and the silver ids of its usage samples. */
  private deviceMinutes = new Map<string, { first: number; last: number; usage: number[] | null }>()
  private minute = -Infinity
  private seconds = secondSums()
  private second = -Infinity
  private readonly write

  constructor(private readonly db: Database.Database) {
    this.devices = new DeviceStates(db)
    const insert = (table: string, columns: number) =>
      db.prepare(`INSERT INTO ${table} VALUES (${Array.from({ length: columns }, () => '?').join(', ')})`)
    this.write = {
      connSecond: insert('gold_conn_second', 4),
      connMinute: insert('gold_conn_minute', 4),
      flow: insert('gold_flow_second', 4),
      clients: db.prepare(
        'INSERT INTO gold_clients (client, plan_mbps, plan_ts, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)',
      ),
      servers: insert('gold_servers', 3),
      deviceMinute: insert('gold_device_minutes', 5),
    }
  }

  add(e: SilverEvent & { id: number }): void {
    const sec = secondOf(e.ts)
    if (sec < this.second) throw new Error('the fast path needs events in time order')
    if (sec > this.second) this.closeSecond()
    this.second = sec
    const minute = minuteOf(e.ts)
    if (minute > this.minute) this.closeMinute()
    this.minute = minute
    const server = e.server ?? '(unknown)'
    if (e.server) span(this.servers, e.server, e.ts)
    const active = this.deviceMinutes.get(e.device)
    const usage = e.type === 'usage' ? [e.id] : null
    if (!active) this.deviceMinutes.set(e.device, { first: e.ts, last: e.ts, usage })
    else {
      active.first = Math.min(active.first, e.ts)
      active.last = Math.max(active.last, e.ts)
      if (usage) (active.usage ??= []).push(e.id)
    }
    if (e.client) {
      const c = this.clients.get(e.client)
      if (!c) this.clients.set(e.client, { first: e.ts, last: e.ts, plan: null, planTs: null })
      else Object.assign(c, { first: Math.min(c.first, e.ts), last: Math.max(c.last, e.ts) })
    }
    if (e.type === 'connect' || e.type === 'disconnect') {
      const counts = e.type === 'connect' ? [1, 0] : [0, 1]
      this.seconds.conn.add([sec, server], counts)
      this.minutes.conn.add([minute, server], counts)
      const c = e.client ? this.clients.get(e.client) : undefined
      if (e.type === 'connect' && c && (c.planTs === null || c.planTs <= e.ts))
        Object.assign(c, { plan: e.plan_mbps, planTs: e.ts })
    } else if (e.type !== 'usage') {
      this.seconds.flow.add([sec, e.device, e.peer ?? ''], [e.bytes ?? 0])
    }
    this.devices.apply(e)
  }

  finish(lastId: number): void {
    this.closeSecond()
    for (const { key, values } of this.minutes.conn.entries.values())
      this.write.connMinute.run(...key, ...values)
    this.closeMinute()
    this.devices.flush()
    // Every minute went to gold_device_minutes as it closed; each device's latest one belongs in its row.
    this.db.exec(LATEST_MINUTES_INTO_DEVICES_SQL)
    for (const [client, c] of this.clients) this.write.clients.run(client, c.plan, c.planTs, c.first, c.last)
    for (const [server, [first, last]] of this.servers) this.write.servers.run(server, first, last)
    // The live state is counted from the finished gold, as a migration does; the self-check holds it to the
    // state the engine keeps batch by batch.
    refillLiveState(this.db)
    this.db.prepare(`UPDATE pipeline_gold_watermarks SET last_id = ? WHERE stage = 'gold'`).run(lastId)
  }

  /** Each device's activity per minute: written out as each minute closes. */
  private closeMinute(): void {
    for (const [device, { first, last, usage }] of this.deviceMinutes)
      this.write.deviceMinute.run(this.minute, device, first, last, usage ? encodeIds(usage) : null)
    this.deviceMinutes = new Map()
  }

  private closeSecond(): void {
    const { conn, flow } = this.seconds
    const out: [Sums, Database.Statement][] = [
      [conn, this.write.connSecond],
      [flow, this.write.flow],
    ]
    for (const [sums, stmt] of out)
      for (const { key, values } of sums.entries.values()) stmt.run(...key, ...values)
    this.seconds = secondSums()
  }
}

function span(map: Map<string, [number, number]>, key: string, ts: number): void {
  const seen = map.get(key)
  map.set(key, seen ? [Math.min(seen[0], ts), Math.max(seen[1], ts)] : [ts, ts])
}

type SilverEvent = Normalized & Lineage

/** Writes `events` simulated events into a new database at `path` by the fast path. */
function build(path: string, events: number): void {
  // No journal while loading a file nobody else reads; WAL, as the engine leaves it, at the end.
  const db = new Database(path)
  registerUsageParts(db)
  attachGold(db, path, null)
  for (const schema of DATABASE_SCHEMAS) {
    db.pragma(`${schema}.journal_mode = OFF`)
    db.pragma(`${schema}.synchronous = OFF`)
    db.pragma(`${schema}.cache_size = -500000`)
  }
  migrate(db)
  const indexes = db
    .prepare<[], { name: string; sql: string }>(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'silver_events' AND sql IS NOT NULL`,
    )
    .all()
  for (const { name } of indexes) db.exec(`DROP INDEX ${name}`)
  const insert = silverInsert(db)
  const sim = createSimulation(NETWORK)
  const gold = new GoldFold(db)
  const load = db.transaction((count: number, first: number) => {
    for (let i = 0; i < count; i++) {
      const r = sim.next().value as EventRow
      const e: SilverEvent = {
        event_id: r.id as string,
        ts: r.ts as number,
        type: r.type as SilverEvent['type'],
        server: (r.server as string | undefined) ?? null,
        device: r.device as string,
        client: (r.client as string | undefined) ?? null,
        peer: (r.peer as string | undefined) ?? null,
        device_type: (r.device_type as string | undefined) ?? null,
        plan_mbps: (r.plan_mbps as number | undefined) ?? null,
        ip: (r.ip as string | undefined) ?? null,
        bytes_down: (r.bytes_down as number | undefined) ?? null,
        bytes_up: (r.bytes_up as number | undefined) ?? null,
        bytes: (r.bytes as number | undefined) ?? null,
        duration_ms: (r.duration_ms as number | undefined) ?? null,
        // As if sent in frames of FRAME_EVENTS: a frame's record has no bronze row.
        bronze_id: 0,
        landing_id: Math.ceil((first + i) / FRAME_EVENTS),
        line: ((first + i - 1) % FRAME_EVENTS) + 1,
      }
      insert(e, e)
      // A fresh table: silver ids are 1, 2, ... in insertion order.
      gold.add({ ...e, id: first + i })
    }
  })
  for (let done = 0; done < events; done += TRANSACTION_ROWS)
    load(Math.min(TRANSACTION_ROWS, events - done), done + 1)
  db.transaction(() => gold.finish(events))()
  for (const { sql } of indexes) db.exec(sql)
  // Usage spreads each sample over the seconds before it: counted from silver by the same code migration 7
  // runs (src/pipeline/gold/usage-refold.ts), which the self-check holds to the engine's own fold.
  db.transaction(() => refoldUsage(db, 0))()
  // The connected devices per second, for the default idle timeout, as the engine counts them when it opens
  // a database without them (gold/connected-series.ts).
  db.transaction(() => refillConnectedSeries(db, seriesIdleMs(pipelineSettings.parse({}).idleTimeoutMin)))()
  for (const schema of DATABASE_SCHEMAS) db.pragma(`${schema}.journal_mode = WAL`)
  db.close()
}

/** The same events through the engine, for the self-check. */
function buildWithEngine(path: string, events: number): void {
  const engine = Engine.open(path)
  const sim = createSimulation(NETWORK)
  for (let done = 0; done < events; done += FRAME_EVENTS * 10) {
    const frames = Array.from({ length: 10 }, () => ({
      source: 'bench',
      seq: null,
      receivedAt: Date.now(),
      bytes: Buffer.from(sim.take(FRAME_EVENTS).map(recordToLine).join('\n')),
    }))
    engine.ingestFrames(frames)
  }
  engine.close()
}

/** Throws unless the fast path and the engine give the same silver and gold for a sample. */
function selfCheck(): void {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-check-'))
  try {
    build(join(dir, 'fast.db'), SELF_CHECK_EVENTS)
    buildWithEngine(join(dir, 'engine.db'), SELF_CHECK_EVENTS)
    const fast = new Database(join(dir, 'fast.db'), { readonly: true })
    const engine = new Database(join(dir, 'engine.db'), { readonly: true })
    attachGold(fast, join(dir, 'fast.db'), null)
    attachGold(engine, join(dir, 'engine.db'), null)
    registerUsageParts(fast)
    registerUsageParts(engine)
    const silverColumns = SILVER_COLUMNS.join(', ')
    const compared: [table: string, columns: string][] = [
      ['silver_events', silverColumns],
      ...goldTableNames().map((t): [string, string] => [t, '*']),
    ]
    for (const [table, columns] of compared) {
      if (tableDump(fast, table, columns) !== tableDump(engine, table, columns))
        throw new Error(`the fast path's ${table} differs from the engine's`)
    }
    fast.close()
    engine.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The cached database of `events` silver events, built (and checked) when missing. */
export function silverDb(events: number): { path: string; builtMs: number | null } {
  const key = createHash('sha256')
    .update(JSON.stringify({ schema: schemaFingerprint(), NETWORK, events, BUILDER_VERSION }))
    .digest('hex')
    .slice(0, 10)
  mkdirSync(DATA_DIR, { recursive: true })
  const path = join(DATA_DIR, `silver-${events}-${key}.db`)
  if (existsSync(path)) return { path, builtMs: null }
  const started = performance.now()
  selfCheck()
  const partial = `${path}.partial`
  for (const file of databaseFiles(partial))
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(file + suffix, { force: true })
  build(partial, events)
  renameDatabase(partial, path)
  return { path, builtMs: performance.now() - started }
}

/** Silver events after `tMs`: how many a query at T, or a minute judged at T, has after it. */
export const silverEventsAfter = (db: Db, tMs: number): number =>
  db.prepare<[number], number>('SELECT count(*) FROM silver_events WHERE ts > ?').pluck().get(tMs)!
