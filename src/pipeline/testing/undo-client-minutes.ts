// Migration 16 undone, for the tests that take a database back to an older schema: each client's bytes per
// minute.
export const UNDO_CLIENT_MINUTES_SQL = 'DROP TABLE gold_client_minutes;'
