// Each client's bytes per minute on every server (gold_client_minutes), kept for every minute before the
// minute of gold's newest second, which is still being filled. A past T's heavy clients are found from them
// (metrics/client-usage.ts): a client at or above a rate over a window has at least its share of those bytes
// in one of the minutes the window touches. Written when gold's newest second enters a new minute, the rows
// of the minutes it left summed from gold_client_usage_parts in one statement, and again for a late
// sample's (minute, client): one row per client and minute, not one per event, and an index that changes
// once a minute rather than at every upsert of the minute being filled.
import type { Db } from '../db/open'
import { minuteOfSecond } from '../db/usage-parts'
import type { ClientParts } from './usage-sums'

/**
 * The first minute gold_client_minutes does not hold, with gold's newest second at `newestSec`: minute 0, before
 * every minute of event time, while gold holds no event.
 */
export const unsealedFrom = (newestSec: number | null): number =>
  newestSec === null ? 0 : minuteOfSecond(newestSec)

// Recounted from the parts rather than added to: a row holds its minute's total whichever way it was reached.
const SUM_SQL = `SELECT minute, client, sum(bytes) FROM gold_client_usage_parts`

export class ClientMinutes {
  private readonly sealStmt
  private readonly recountStmt

  constructor(db: Db) {
    this.sealStmt = db.prepare<[number, number]>(
      `INSERT OR REPLACE INTO gold_client_minutes (minute, client, bytes)
       ${SUM_SQL} WHERE minute >= ? AND minute < ? GROUP BY minute, client`,
    )
    this.recountStmt = db.prepare<[number, string]>(
      `INSERT OR REPLACE INTO gold_client_minutes (minute, client, bytes)
       ${SUM_SQL} WHERE minute = ? AND client = ?`,
    )
  }

  /**
   * After a batch's parts are written, as gold's newest second moves from `anchorSec` (null: gold held no
   * event) to `newestSec`: recounts the minutes already kept that the batch wrote into, then keeps the
   * minutes the newest second left.
   */
  write(anchorSec: number | null, newestSec: number, written: ClientParts): void {
    const kept = unsealedFrom(anchorSec)
    for (const [minute, clients] of written.byMinute)
      if (minute < kept) for (const client of clients.keys()) this.recountStmt.run(minute, client)
    const to = unsealedFrom(newestSec)
    if (to > kept) this.sealStmt.run(kept, to)
  }
}

/**
 * Counts gold_client_minutes again after `afterMinute` from gold_client_usage_parts, up to the minute of the
 * newest second in the live state (gold_live): after the usage tables are counted again from silver.
 */
export function refillClientMinutes(db: Db, afterMinute: number): void {
  db.prepare('DELETE FROM gold_client_minutes WHERE minute > ?').run(afterMinute)
  const newest = db.prepare<[], number>('SELECT newest_sec FROM gold_live WHERE id = 1').pluck().get()
  if (newest === undefined) return
  db.prepare(
    `INSERT INTO gold_client_minutes (minute, client, bytes)
     ${SUM_SQL} WHERE minute > ? AND minute < ? GROUP BY minute, client`,
  ).run(afterMinute, unsealedFrom(newest))
}
