// Gold's epoch: a counter in gold's file that every writer of gold other than gold's fold moves (a rebuild,
// retention, a settings change: Engine.withGoldPaused), before it writes. Gold's watermark alone names what
// gold holds only while gold's fold is its one writer: a rebuild starts it again from 0, and retention may
// count the clients' windows again without moving it. The pair (epoch, watermark) names it always, so a
// reader can tell whether the clients' rows gold's thread shares (shared-clients.ts) are the rows its read
// transaction sees.
import { GOLD_SCHEMA } from '../db/gold-file'
import type { Db } from '../db/open'

const STAGE = 'gold-epoch'

/** Gold's epoch in SQL: 0 until a writer other than gold's fold first wrote gold. */
export const GOLD_EPOCH_SQL = `coalesce((SELECT last_id FROM ${GOLD_SCHEMA}.pipeline_gold_watermarks WHERE stage = '${STAGE}'), 0)`

/** Moves gold's epoch on, in the caller's transaction or one of its own: before anything else writes gold. */
export function bumpGoldEpoch(db: Db): void {
  db.prepare(
    `INSERT INTO ${GOLD_SCHEMA}.pipeline_gold_watermarks (stage, last_id) VALUES ('${STAGE}', 1)
     ON CONFLICT (stage) DO UPDATE SET last_id = last_id + 1`,
  ).run()
}

/** Gold's epoch, as GOLD_EPOCH_SQL reads it. */
export const goldEpochQuery = (db: Db): (() => number) => {
  const stmt = db.prepare<[], number>(`SELECT ${GOLD_EPOCH_SQL}`).pluck()
  return () => stmt.get()!
}
