// 9: a client's usage per second kept per minute (gold_client_usage_parts: a row per minute, client and
// server with the bytes of each of its 60 seconds, each an unsigned LEB128 varint) instead of a row per second
// (gold_client_usage_second). A sample covers the seconds before its report, often tens to hundreds of
// them: it wrote that many rows, and now writes one per minute it covers. The rows per second are moved into
// parts here, in JavaScript (the engine's SQL functions for parts are not this migration's to rely on).
// Frozen: the text of an applied migration never changes (migrations.test.ts).
import type { Db } from '../open'

/** Each second's bytes as an unsigned LEB128 varint, in order. */
function varints(seconds: number[]): Buffer {
  const out: number[] = []
  for (let v of seconds) {
    while (v >= 128) {
      out.push((v % 128) + 128)
      v = Math.floor(v / 128)
    }
    out.push(v)
  }
  return Buffer.from(out)
}

/** Minute by minute (a primary-key range of seconds each), so memory holds one minute's keys at most. */
function moveSecondsIntoParts(db: Db): void {
  const bounds = db
    .prepare<[], { first: number | null; last: number | null }>(
      'SELECT min(sec) AS first, max(sec) AS last FROM gold_client_usage_second',
    )
    .get()!
  if (bounds.first === null || bounds.last === null) return
  const read = db
    .prepare<[number, number], [number, string, string, number]>(
      'SELECT sec, client, server, bytes FROM gold_client_usage_second WHERE sec > ? AND sec <= ?',
    )
    .raw()
  const insert = db.prepare(
    'INSERT INTO gold_client_usage_parts (minute, client, server, parts) VALUES (?, ?, ?, ?)',
  )
  for (let minute = Math.ceil(bounds.first / 60); minute <= Math.ceil(bounds.last / 60); minute++) {
    const parts = new Map<string, [string, string, number[]]>()
    for (const [sec, client, server, bytes] of read.all((minute - 1) * 60, minute * 60)) {
      const key = `${client}\u0000${server}`
      let row = parts.get(key)
      if (!row) parts.set(key, (row = [client, server, new Array<number>(60).fill(0)]))
      row[2][sec - (minute - 1) * 60 - 1]! += bytes
    }
    for (const [client, server, seconds] of parts.values())
      insert.run(minute, client, server, varints(seconds))
  }
}

export default {
  sql: `
    CREATE TABLE gold_client_usage_parts (
      minute INTEGER NOT NULL,         -- the minute bucket: seconds (minute - 1) * 60 + 1 to minute * 60
      client TEXT NOT NULL,
      server TEXT NOT NULL,
      parts BLOB NOT NULL,             -- bytes of each of the minute's 60 seconds, 60 little-endian float64
      PRIMARY KEY (minute, client, server)
    ) STRICT, WITHOUT ROWID;`,
  then: (db: Db) => {
    moveSecondsIntoParts(db)
    db.exec('DROP TABLE gold_client_usage_second')
  },
}
