// Migration 10 undone, for the tests that take a database back to an older schema: silver's index on ts.
export const UNDO_DROP_TS_INDEX_SQL = 'CREATE INDEX silver_events_ts ON silver_events(ts);'
