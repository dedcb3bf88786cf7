// Silver read by event time. The one index that leads to ts is silver_events_type_ts (type, ts, device): a
// read of a range of ts names every type, so SQLite seeks one range per type (for min(ts) or max(ts), one
// row per type) rather than reading the whole table. The table's CHECK allows these types and no other.
import { EVENT_TYPES } from '../../shared/events'

/** Every event's type, as a condition on `column` (silver_events' type, or an alias's). */
export const everyType = (column = 'type'): string =>
  `${column} IN (${EVENT_TYPES.map((t) => `'${t}'`).join(', ')})`

/** The newest event's time in silver, as `ts` (null when silver is empty): one index seek per type. */
export const NEWEST_EVENT_SQL = `SELECT max(ts) AS ts FROM silver_events WHERE ${everyType()}`

/**
 * The silver row `column` (an id) is one gold has folded. Gold may trail silver (its own thread, a lag): a
 * metric that reads gold and corrects it with silver reads only the rows gold has, so that it answers as of
 * gold's watermark, never counting an event both ways or one way only (docs/pipeline.md, "Answers as of
 * gold"). The watermark is read once per statement; the ids are in every index, so rows are not fetched.
 */
export const foldedByGold = (column = 'id'): string =>
  `${column} <= (SELECT last_id FROM pipeline_gold_watermarks WHERE stage = 'gold')`

/** The newest event's time among those gold has folded, as `ts` (null for none). */
export const NEWEST_FOLDED_SQL = `SELECT max(ts) AS ts FROM silver_events WHERE ${everyType()} AND ${foldedByGold()}`
