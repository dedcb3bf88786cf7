// Migration 17 undone, for the tests that take a database back to an older schema: the connected devices
// per second.
export const UNDO_CONNECTED_SERIES_SQL = `
  DROP TABLE gold_connected_changes; DROP TABLE gold_connected_minutes;
  DELETE FROM pipeline_watermarks WHERE stage = 'connected-idle-ms';`
