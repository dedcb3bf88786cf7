// 11: a client's bytes per minute kept in the row of its parts (gold_client_usage_parts.bytes) instead of a
// table of their own (gold_client_usage_minute): every usage sample upserted the same key in both. The total
// is counted here from the parts, the minute's seconds, because readers take a minute either whole (its
// total) or as its seconds and must get the same sum. The two tables agree but where retention before
// migration 9 cut the oldest minute (gold_client_usage_second by the second, the minute table by the minute):
// its total counted seconds already deleted, or had no parts left at all. Those seconds leave with the old
// table, as their rows per second did. The table is built anew, not altered, so that `bytes` has no default
// a writer could fall back on.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
import type { Db } from '../open'

/** The bytes of a minute's parts: the sum of its 60 unsigned LEB128 varints. */
function total(blob: Uint8Array, where: string): number {
  let sum = 0
  let at = 0
  for (let i = 0; i < 60; i++) {
    let v = 0
    let scale = 1
    for (;;) {
      const b = blob[at++]
      if (b === undefined) throw new Error(`gold_client_usage_parts ${where}: parts cut short`)
      v += (b & 127) * scale
      if (b < 128) break
      scale *= 128
    }
    sum += v
  }
  if (at !== blob.length) throw new Error(`gold_client_usage_parts ${where}: parts hold more than 60 seconds`)
  return sum
}

// Rows moved per page: the connection cannot write while a statement iterates.
const ROWS_PER_PAGE = 10_000

/** Page by page in key order, so each page appends to the new table. */
function copyWithTotals(db: Db): void {
  const page = db
    .prepare<[number, string, string, number], [number, string, string, Buffer]>(
      `SELECT minute, client, server, parts FROM gold_client_usage_parts
       WHERE (minute, client, server) > (?, ?, ?) ORDER BY minute, client, server LIMIT ?`,
    )
    .raw()
  const insert = db.prepare(
    'INSERT INTO gold_client_usage_parts_v11 (minute, client, server, bytes, parts) VALUES (?, ?, ?, ?, ?)',
  )
  let from: [number, string, string] = [-Infinity, '', '']
  for (;;) {
    const rows = page.all(...from, ROWS_PER_PAGE)
    for (const [minute, client, server, parts] of rows)
      insert.run(minute, client, server, total(parts, `(${minute}, ${client}, ${server})`), parts)
    if (rows.length < ROWS_PER_PAGE) break
    const [minute, client, server] = rows.at(-1)!
    from = [minute, client, server]
  }
}

export default {
  sql: `
    CREATE TABLE gold_client_usage_parts_v11 (
      minute INTEGER NOT NULL,         -- the minute bucket: seconds (minute - 1) * 60 + 1 to minute * 60
      client TEXT NOT NULL,
      server TEXT NOT NULL,
      bytes INTEGER NOT NULL,          -- the minute's bytes: the sum of its parts
      parts BLOB NOT NULL,             -- bytes of each of the minute's 60 seconds, unsigned LEB128 varints
      PRIMARY KEY (minute, client, server)
    ) STRICT, WITHOUT ROWID;`,
  then: (db: Db) => {
    copyWithTotals(db)
    db.exec(`
      DROP TABLE gold_client_usage_parts;
      ALTER TABLE gold_client_usage_parts_v11 RENAME TO gold_client_usage_parts;
      DROP TABLE gold_client_usage_minute;`)
  },
}
