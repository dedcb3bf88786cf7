// Test helper: takes a database back from migration 9 (a client's usage per second kept per minute) to the
// rows per second before it, for the tests that rewind a database to an older schema and migrate it again.
import type { Db } from '../db/open'
import { decodeParts } from '../db/usage-parts'

export function undoClientUsageParts(db: Db): void {
  db.exec(`CREATE TABLE gold_client_usage_second (
    sec INTEGER NOT NULL,
    client TEXT NOT NULL,
    server TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (sec, client, server)
  ) STRICT, WITHOUT ROWID;`)
  const insert = db.prepare('INSERT INTO gold_client_usage_second VALUES (?, ?, ?, ?)')
  const rows = db
    .prepare<[], [number, string, string, Buffer]>(
      'SELECT minute, client, server, parts FROM gold_client_usage_parts',
    )
    .raw()
    .all()
  for (const [minute, client, server, blob] of rows) {
    decodeParts(blob).forEach((bytes, i) => {
      if (bytes !== 0) insert.run((minute - 1) * 60 + i + 1, client, server, bytes)
    })
  }
  db.exec('DROP TABLE gold_client_usage_parts')
}
