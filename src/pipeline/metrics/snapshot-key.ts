// What a read connection sees, as a string that changes whenever what it reads may have: another
// connection's commit moves data_version, of each file (gold's thread commits gold's file alone, which does
// not move the database file's), this connection's own writes move total_changes(), and gold's newest
// second is part of it so that two snapshots never share a key by chance of the counters. Readers that keep
// rows between calls (the heavy-share cache, the windows of per-second rows) check it first.
import { GOLD_SCHEMA } from '../db/gold-file'
import type { Db } from '../db/open'

export function snapshotKeyQuery(db: Db): () => string {
  const stmt = db
    .prepare<[], string>(
      `SELECT (SELECT data_version FROM pragma_data_version) || ':' || total_changes() || ':' ||
         coalesce((SELECT newest_sec FROM gold_live WHERE id = 1), '')`,
    )
    .pluck()
  // The table-valued pragma_data_version is the database file's whatever schema it names: gold's is read
  // with the PRAGMA statement itself.
  const gold = db.prepare<[], number>(`PRAGMA ${GOLD_SCHEMA}.data_version`).pluck()
  return () => `${stmt.get()!}:${gold.get()!}`
}
