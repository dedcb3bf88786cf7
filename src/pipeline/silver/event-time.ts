// Silver read by event time. The one index that leads to ts is silver_events_type_ts (type, ts, device): a
// read of a range of ts names every type, so SQLite seeks one range per type (for min(ts) or max(ts), one
// row per type) rather than reading the whole table. The table's CHECK allows these types and no other.
import { EVENT_TYPES } from '../../shared/events'
import { GOLD_SCHEMA } from '../db/gold-file'

/** Every event's type, as a condition on `column` (silver_events' type, or an alias's). */
export const everyType = (column = 'type'): string =>
  `${column} IN (${EVENT_TYPES.map((t) => `'${t}'`).join(', ')})`

/** The newest event's time in silver, as `ts` (null when silver is empty): one index seek per type. */
export const NEWEST_EVENT_SQL = `SELECT max(ts) AS ts FROM silver_events WHERE ${everyType()}`

/** The last silver id gold has folded, as a scalar subquery of gold's file. */
export const GOLD_WATERMARK_SQL = `(SELECT last_id FROM ${GOLD_SCHEMA}.pipeline_gold_watermarks WHERE stage = 'gold')`

/**
 * The silver row of id `column` is one gold has folded. Gold may trail silver (its own thread, a lag): a
 * metric that reads gold and corrects it with silver reads only the rows gold has, so that it answers as of
 * gold's watermark, never counting an event both ways or one way only (docs/pipeline.md, "Answers as of
 * gold"). The watermark is read once per statement; the ids are in every index, so rows are not fetched.
 * With `ts`, a read of a range of time also ends at gold's newest second, after which gold has folded
 * nothing: a scan by time then never walks through the events still waiting for gold.
 */
export const foldedByGold = (column = 'id', ts?: string): string =>
  `${column} <= ${GOLD_WATERMARK_SQL}` +
  (ts ? ` AND ${ts} <= (SELECT newest_sec * 1000 FROM ${GOLD_SCHEMA}.gold_live WHERE id = 1)` : '')

/** Whether gold has folded an event with `ts` after ?, as `folded` (0 or 1): a range per type up to gold's newest second. */
export const FOLDED_AFTER_SQL = `SELECT EXISTS (SELECT 1 FROM silver_events INDEXED BY silver_events_type_ts
  WHERE ${everyType()} AND ts > ? AND ${foldedByGold('id', 'ts')}) AS folded`
