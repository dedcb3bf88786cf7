// Migration 7's JavaScript, frozen: the recount of gold's usage tables from silver (gold/usage-refold.ts) and
// the refill of the live state (gold/live-state.ts) as they were when it was written, with all they call
// (usage-sums.ts, spread.ts, sums.ts), so that later changes to the live code leave the migration as it ran.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
import type { Db } from '../open'

const UNKNOWN_SERVER = '(unknown)'
const UNKNOWN_DEVICE_TYPE = 'unknown'

// Spreading a sample over (ts - duration, ts] in whole bytes (spread.ts).

/** floor(a * b / d) for non-negative integers, exact beyond 2^53 where plain float arithmetic is not. */
function mulDivFloor(a: number, b: number, d: number): number {
  const q = Math.floor(a / d)
  const r = a - q * d
  const rb = r * b
  if (!Number.isSafeInteger(rb)) return q * b + Number((BigInt(r) * BigInt(b)) / BigInt(d))
  let f = Math.floor(rb / d)
  if (f * d > rb) f--
  else if ((f + 1) * d <= rb) f++
  return q * b + f
}

function bytesUpTo(x: number, ts: number, duration: number, bytes: number): number {
  if (x >= ts) return bytes
  const into = x - (ts - duration)
  if (into <= 0) return 0
  return mulDivFloor(bytes, into, duration)
}

const bucketOf = (ts: number, size: number) => Math.ceil(ts / size)

function spreadSample(
  ts: number,
  duration: number | null,
  down: number,
  up: number,
  size: number,
  visit: (bucket: number, down: number, up: number) => void,
): void {
  const last = bucketOf(ts, size)
  if (!duration) {
    visit(last, down, up)
    return
  }
  let downBefore = 0
  let upBefore = 0
  for (let b = bucketOf(ts - duration + 1, size); b <= last; b++) {
    const end = Math.min(b * size, ts)
    const downTo = bytesUpTo(end, ts, duration, down)
    const upTo = bytesUpTo(end, ts, duration, up)
    visit(b, downTo - downBefore, upTo - upBefore)
    downBefore = downTo
    upBefore = upTo
  }
}

// Sums per composite key, in the order each key first came (sums.ts).

type KeyPart = string | number

interface SumEntry {
  key: KeyPart[]
  values: number[]
}

abstract class Sums {
  readonly entries: SumEntry[] = []

  protected added(key: KeyPart[], values: number[]): SumEntry {
    const entry = { key, values }
    this.entries.push(entry)
    return entry
  }
}

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

// Usage samples into the usage tables (usage-sums.ts).

function upsertStatement(db: Db, table: string, keys: string[], values: string[]) {
  const columns = [...keys, ...values]
  return db.prepare(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
     ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${values.map((v) => `${v} = ${v} + excluded.${v}`).join(', ')}`,
  )
}

interface UsageSampleBytes {
  ts: number
  duration_ms: number | null
  bytes_down: number | null
  bytes_up: number | null
}

const usageSums = () => ({
  usageSecond: new Sums2(),
  usageMinute: new Sums2(),
  clientSecond: new Sums3(),
  clientMinute: new Sums3(),
  typeSecond: new Sums2(),
})
type UsageSums = ReturnType<typeof usageSums>

function addUsage(sums: UsageSums, e: UsageSampleBytes, server: string, client: string, type: string): void {
  const down = e.bytes_down ?? 0
  const up = e.bytes_up ?? 0
  spreadSample(e.ts, e.duration_ms, down, up, 1000, (s, d, u) => {
    sums.usageSecond.add(s, server, d, u)
    sums.clientSecond.add(s, client, server, d + u)
    sums.typeSecond.add(s, type, d + u)
  })
  spreadSample(e.ts, e.duration_ms, down, up, 60_000, (m, d, u) => {
    sums.usageMinute.add(m, server, d, u)
    sums.clientMinute.add(m, client, server, d + u)
  })
}

class UsageWriter {
  private readonly upserts
  private readonly dropEmptyType

  constructor(db: Db) {
    this.upserts = {
      usageSecond: upsertStatement(db, 'gold_usage_second', ['sec', 'server'], ['bytes_down', 'bytes_up']),
      usageMinute: upsertStatement(db, 'gold_usage_minute', ['minute', 'server'], ['bytes_down', 'bytes_up']),
      clientSecond: upsertStatement(db, 'gold_client_usage_second', ['sec', 'client', 'server'], ['bytes']),
      clientMinute: upsertStatement(
        db,
        'gold_client_usage_minute',
        ['minute', 'client', 'server'],
        ['bytes'],
      ),
      typeSecond: upsertStatement(db, 'gold_device_type_usage_second', ['sec', 'device_type'], ['bytes']),
    }
    this.dropEmptyType = db.prepare(
      'DELETE FROM gold_device_type_usage_second WHERE sec = ? AND device_type = ? AND bytes = 0',
    )
  }

  write(sums: UsageSums): void {
    for (const [name, sum] of Object.entries(sums) as [keyof UsageSums, Sums][]) {
      if (name === 'typeSecond') this.writeTypeSeconds(sum)
      else for (const { key, values } of sum.entries) this.upserts[name].run(...key, ...values)
    }
  }

  private writeTypeSeconds(sum: Sums): void {
    for (const { key, values } of sum.entries) {
      const bytes = values[0]!
      if (bytes === 0) continue
      this.upserts.typeSecond.run(...key, bytes)
      if (bytes < 0) this.dropEmptyType.run(...key)
    }
  }
}

// The live state counted again from gold (live-state.ts).

const REFILL_LIVE_STATE_SQL = `
  DELETE FROM gold_live;
  INSERT INTO gold_live (id, newest_sec)
    SELECT 1, (max(last_seen) / 1000 + (max(last_seen) % 1000 > 0)) FROM gold_devices HAVING count(*) > 0;
  DELETE FROM gold_live_devices;
  INSERT INTO gold_live_devices (last_sec, server, device_type, devices, plan_kbps)
    SELECT (last_seen / 1000 + (last_seen % 1000 > 0)), server, coalesce(device_type, ''), count(*),
      sum(CAST(round(coalesce(plan_mbps, 0) * 1000) AS INTEGER))
    FROM gold_devices WHERE status = 'connect' GROUP BY 1, 2, 3;
  DELETE FROM gold_live_connects;
  INSERT INTO gold_live_connects (sec, devices)
    SELECT (connect_ts / 1000 + (connect_ts % 1000 > 0)), count(*) FROM gold_devices WHERE connect_ts IS NOT NULL GROUP BY 1;
  UPDATE gold_clients SET live_until = NULL, devices = 0 WHERE live_until IS NOT NULL OR devices <> 0;
  UPDATE gold_clients SET devices = d.devices
    FROM (SELECT client, count(*) AS devices FROM gold_devices WHERE client IS NOT NULL GROUP BY client) d
    WHERE gold_clients.client = d.client;
  UPDATE gold_clients SET live_until = d.until
    FROM (SELECT client, max(last_seen) AS until FROM gold_devices
          WHERE status = 'connect' AND client IS NOT NULL GROUP BY client) d
    WHERE gold_clients.client = d.client;
`

const REFILL_LATEST_SERVERS_SQL = `
  UPDATE gold_clients SET latest_server = (SELECT server FROM (SELECT server, max(connect_ts) FROM gold_devices WHERE client = gold_clients.client));`

const REFILL_CLIENT_WINDOWS_SQL = `
  DELETE FROM gold_live_client_servers;
  INSERT INTO gold_live_client_servers (client, server, bytes)
    SELECT client, server, sum(bytes) FROM gold_client_usage_second
    WHERE sec > (SELECT newest_sec FROM gold_live) - 300
    GROUP BY client, server HAVING sum(bytes) > 0;
  UPDATE gold_clients SET window_bytes = 0 WHERE window_bytes <> 0;
  UPDATE gold_clients SET window_bytes = w.bytes
    FROM (SELECT client, sum(bytes) AS bytes FROM gold_live_client_servers GROUP BY client) w
    WHERE gold_clients.client = w.client;`

const REFILL_PAIR_WINDOWS_SQL = `
  DELETE FROM gold_live_pairs;
  INSERT INTO gold_live_pairs (device, peer, bytes)
    SELECT device, peer, sum(bytes) FROM gold_flow_second
    WHERE sec > (SELECT newest_sec FROM gold_live) - 60 GROUP BY device, peer HAVING sum(bytes) > 0;`

const REFILL_MAIN_SERVERS_SQL = `
  UPDATE gold_clients SET main_server = NULL, main_bytes = 0 WHERE main_server IS NOT NULL OR main_bytes <> 0;
  UPDATE gold_clients SET main_server = m.server, main_bytes = m.bytes
    FROM (SELECT client, server, max(bytes) AS bytes FROM gold_live_client_servers GROUP BY client) m
    WHERE gold_clients.client = m.client;`

function refillWindows(db: Db): void {
  db.exec(REFILL_CLIENT_WINDOWS_SQL + REFILL_MAIN_SERVERS_SQL + REFILL_PAIR_WINDOWS_SQL)
}

export function refillLiveState(db: Db): void {
  db.exec(REFILL_LIVE_STATE_SQL + REFILL_LATEST_SERVERS_SQL)
  refillWindows(db)
}

// Usage counted again from silver (usage-refold.ts).

interface Row {
  ts: number
  type: 'connect' | 'usage'
  device: string
  server: string | null
  client: string | null
  device_type: string | null
  duration_ms: number | null
  bytes_down: number | null
  bytes_up: number | null
}

// Samples summed in memory before their buckets are written: bounds the memory of a large silver.
const SAMPLES_PER_WRITE = 100_000
const ROWS_PER_PAGE = 50_000

/**
 * Recounts the usage of the samples timed after `after` (epoch ms, a whole minute): the buckets after it
 * are emptied and filled again; the buckets at or before it keep what they hold, plus the parts of later
 * samples that fall in them.
 */
function refoldUsage(db: Db, after: number): void {
  const afterSec = after / 1000
  const afterMinute = after / 60_000
  for (const table of ['gold_usage_second', 'gold_client_usage_second', 'gold_device_type_usage_second'])
    db.prepare(`DELETE FROM ${table} WHERE sec > ?`).run(afterSec)
  for (const table of ['gold_usage_minute', 'gold_client_usage_minute'])
    db.prepare(`DELETE FROM ${table} WHERE minute > ?`).run(afterMinute)

  const writer = new UsageWriter(db)
  // A device whose connects silver no longer holds (retention) keeps the type of its latest connect in gold
  // for the samples at or after that connect.
  const kept = db.prepare<[string], { connect_ts: number | null; device_type: string | null }>(
    'SELECT connect_ts, device_type FROM gold_devices WHERE device = ?',
  )
  const types = new Map<string, string>()
  const typeOf = (device: string, ts: number): string => {
    const known = types.get(device)
    if (known !== undefined) return known
    const k = kept.get(device)
    return k && k.connect_ts !== null && k.connect_ts <= ts
      ? (k.device_type ?? UNKNOWN_DEVICE_TYPE)
      : UNKNOWN_DEVICE_TYPE
  }
  let sums = usageSums()
  let pending = 0
  const fold = (e: Row) => {
    if (e.type === 'connect') {
      types.set(e.device, e.device_type ?? UNKNOWN_DEVICE_TYPE)
      return
    }
    if (e.ts <= after) return
    addUsage(sums, e, e.server ?? UNKNOWN_SERVER, e.client ?? '', typeOf(e.device, e.ts))
    if (++pending >= SAMPLES_PER_WRITE) write()
  }
  const write = () => {
    writer.write(sums)
    sums = usageSums()
    pending = 0
  }

  // In event time; at equal ts a connect before a sample (at or before it), and connects in silver's order.
  // Read in pages: the connection cannot write while a statement iterates.
  const page = db.prepare<[number, number, number, number, number], Row & { usage: number; id: number }>(
    `SELECT id, ts, type = 'usage' AS usage, type, device, server, client, device_type, duration_ms, bytes_down,
       bytes_up
     FROM silver_events WHERE type IN ('connect', 'usage') AND ts >= ? AND (ts, type = 'usage', id) > (?, ?, ?)
     ORDER BY ts, type = 'usage', id LIMIT ?`,
  )
  let from: [number, number, number] = [-Infinity, 0, 0]
  for (;;) {
    const rows = page.all(from[0], ...from, ROWS_PER_PAGE)
    for (const e of rows) fold(e)
    if (rows.length < ROWS_PER_PAGE) break
    const last = rows.at(-1)!
    from = [last.ts, last.usage, last.id]
  }
  write()
  // The type table holds no row of 0 bytes (GoldStage.writeTypeSeconds).
  db.prepare('DELETE FROM gold_device_type_usage_second WHERE bytes = 0').run()
  refillWindows(db)
}

/** Recounts the usage of the samples silver holds, after the minute of its oldest sample. */
export function refoldSilverUsage(db: Db): void {
  const oldest = db
    .prepare<[], number | null>(`SELECT min(ts) FROM silver_events WHERE type = 'usage'`)
    .pluck()
    .get()
  if (oldest === null || oldest === undefined) return
  refoldUsage(db, Math.ceil(oldest / 60_000) * 60_000)
}
