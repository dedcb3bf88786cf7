// Usage samples into gold's usage tables, shared by the gold stage's fold and the recount from silver
// (usage-refold.ts): each sample spread over the seconds and minutes it covers, and written with one upsert
// per bucket and key.
import type { Statement } from 'better-sqlite3'
import type { Db } from '../db/open'
import {
  SECONDS_PER_MINUTE,
  encodeParts,
  indexInMinute,
  minuteOfSecond,
  newParts,
  totalOfParts,
  type Parts,
} from '../db/usage-parts'
import { spreadSample } from './spread'
import { Sums2, type Sums } from './sums'

/** An upsert that adds `values` to a row of `keys`, or inserts it. */
export function upsertStatement(db: Db, table: string, keys: string[], values: string[]): Statement {
  const columns = [...keys, ...values]
  return db.prepare(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
     ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${values.map((v) => `${v} = ${v} + excluded.${v}`).join(', ')}`,
  )
}

/** What the usage tables need of a sample. */
export interface UsageSampleBytes {
  ts: number
  duration_ms: number | null
  bytes_down: number | null
  bytes_up: number | null
}

/** A client's bytes per second on one server, per minute (db/usage-parts.ts). */
export class ClientParts {
  /** Minute -> client -> server -> parts. */
  readonly byMinute = new Map<number, Map<string, Map<string, Parts>>>()

  add(sec: number, client: string, server: string, bytes: number): void {
    const minute = minuteOfSecond(sec)
    let clients = this.byMinute.get(minute)
    if (!clients) this.byMinute.set(minute, (clients = new Map()))
    let servers = clients.get(client)
    if (!servers) clients.set(client, (servers = new Map()))
    let parts = servers.get(server)
    if (!parts) servers.set(server, (parts = newParts()))
    parts[indexInMinute(sec)]! += bytes
  }

  *rows(): Generator<{ minute: number; client: string; server: string; parts: Parts }> {
    for (const [minute, clients] of this.byMinute)
      for (const [client, servers] of clients)
        for (const [server, parts] of servers) yield { minute, client, server, parts }
  }

  /**
   * The bytes per client and server of the seconds after `after`, a row per minute: a sample spreads over
   * tens to hundreds of seconds, summed here rather than taken second by second.
   */
  *after(after: number): Generator<{ key: [string, string]; bytes: number }> {
    for (const { minute, client, server, parts } of this.rows()) {
      const first = (minute - 1) * SECONDS_PER_MINUTE + 1
      let bytes = 0
      for (let i = Math.max(0, after + 1 - first); i < SECONDS_PER_MINUTE; i++) bytes += parts[i]!
      if (bytes !== 0) yield { key: [client, server], bytes }
    }
  }
}

export const usageSums = () => ({
  usageSecond: new Sums2(),
  usageMinute: new Sums2(),
  clientParts: new ClientParts(),
  typeSecond: new Sums2(),
})
export type UsageSums = ReturnType<typeof usageSums>

/** Adds a sample's parts to every usage table's sums, under its server, client and device type. */
export function addUsage(
  sums: UsageSums,
  e: UsageSampleBytes,
  server: string,
  client: string,
  type: string,
): void {
  const down = e.bytes_down ?? 0
  const up = e.bytes_up ?? 0
  spreadSample(e.ts, e.duration_ms, down, up, 1000, (s, d, u) => {
    sums.usageSecond.add(s, server, d, u)
    sums.clientParts.add(s, client, server, d + u)
    sums.typeSecond.add(s, type, d + u)
  })
  spreadSample(e.ts, e.duration_ms, down, up, 60_000, (m, d, u) => {
    sums.usageMinute.add(m, server, d, u)
  })
}

/** Writes usage sums to their tables, adding to what they hold. */
export class UsageWriter {
  private readonly upserts
  private readonly dropEmptyType
  private readonly upsertParts

  constructor(db: Db) {
    this.upserts = {
      usageSecond: upsertStatement(db, 'gold_usage_second', ['sec', 'server'], ['bytes_down', 'bytes_up']),
      usageMinute: upsertStatement(db, 'gold_usage_minute', ['minute', 'server'], ['bytes_down', 'bytes_up']),
      typeSecond: upsertStatement(db, 'gold_device_type_usage_second', ['sec', 'device_type'], ['bytes']),
    }
    // The minute's total beside its seconds, in the same upsert: the readers of whole minutes read it alone.
    this.upsertParts = db.prepare(
      `INSERT INTO gold_client_usage_parts (minute, client, server, bytes, parts) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (minute, client, server) DO UPDATE
       SET bytes = bytes + excluded.bytes, parts = usage_parts_add(parts, excluded.parts)`,
    )
    this.dropEmptyType = db.prepare(
      'DELETE FROM gold_device_type_usage_second WHERE sec = ? AND device_type = ? AND bytes = 0',
    )
  }

  write(sums: UsageSums): void {
    const { clientParts, typeSecond, ...added } = sums
    for (const [name, sum] of Object.entries(added) as [keyof typeof added, Sums][])
      for (const { key, values } of sum.entries) this.upserts[name].run(...key, ...values)
    for (const { minute, client, server, parts } of clientParts.rows())
      this.upsertParts.run(minute, client, server, totalOfParts(parts), encodeParts(parts))
    this.writeTypeSeconds(typeSecond)
  }

  /**
   * Bytes per second and device type, with no row of 0 bytes: a re-attribution can empty a row, and the
   * table must hold what the same events give in any arrival order.
   */
  private writeTypeSeconds(sum: Sums): void {
    for (const { key, values } of sum.entries) {
      const bytes = values[0]!
      if (bytes === 0) continue
      this.upserts.typeSecond.run(...key, bytes)
      if (bytes < 0) this.dropEmptyType.run(...key)
    }
  }
}
