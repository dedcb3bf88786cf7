// Whether gold_devices' last_seen, minute_first_ts and minute_usage_ids are whole. Gold's thread writes a
// device's row when more than those changed, and those alone once a minute (DeviceStates, deferSeen): in
// between they are in its memory, which it shares with the readers (shared-seen.ts). This marker, a row of
// pipeline_gold_watermarks, says since when: -1 (or no row) when the rows are whole; else gold's watermark
// as of which they were, every fold after it kept in memory only. After a crash the folds after it are
// replayed from silver (seen-replay.ts).
import { GOLD_SCHEMA } from '../db/gold-file'
import type { Db } from '../db/open'

const STAGE = 'devices-seen'

/** The marker in SQL: -1 when the rows are whole, else the watermark as of which they were. */
export const SEEN_BEHIND_SQL = `coalesce((SELECT last_id FROM ${GOLD_SCHEMA}.pipeline_gold_watermarks WHERE stage = '${STAGE}'), -1)`

/** Reads the marker. */
export const seenBehindQuery = (db: Db): (() => number) => {
  const stmt = db.prepare<[], number>(`SELECT ${SEEN_BEHIND_SQL}`).pluck()
  return () => stmt.get()!
}

/** Sets the marker, in the caller's transaction. */
export const seenBehindSetter = (db: Db): ((watermark: number) => void) => {
  const stmt = db.prepare<[number]>(
    `INSERT INTO ${GOLD_SCHEMA}.pipeline_gold_watermarks (stage, last_id) VALUES ('${STAGE}', ?)
     ON CONFLICT (stage) DO UPDATE SET last_id = excluded.last_id`,
  )
  return (watermark) => void stmt.run(watermark)
}
