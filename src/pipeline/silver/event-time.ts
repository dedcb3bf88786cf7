// Silver read by event time. The one index that leads to ts is silver_events_type_ts (type, ts, device): a
// read of a range of ts names every type, so SQLite seeks one range per type (for min(ts) or max(ts), one
// row per type) rather than reading the whole table. The table's CHECK allows these types and no other.
import { EVENT_TYPES } from '../../shared/events'

/** Every event's type, as a condition on `column` (silver_events' type, or an alias's). */
export const everyType = (column = 'type'): string =>
  `${column} IN (${EVENT_TYPES.map((t) => `'${t}'`).join(', ')})`

/** The newest event's time in silver, as `ts` (null when silver is empty): one index seek per type. */
export const NEWEST_EVENT_SQL = `SELECT max(ts) AS ts FROM silver_events WHERE ${everyType()}`
