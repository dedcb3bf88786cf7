// Test helper: takes a database back from migration 13 (each device's usage sample ids in gold_device_minutes)
// to silver's index of usage samples by minute and device, for the tests that rewind a database to an older
// schema and migrate it again.
export const UNDO_DEVICE_USAGE_IDS_SQL = `
  CREATE INDEX silver_events_usage_minute ON silver_events((ts + 59999) / 60000, device) WHERE type = 'usage';
  ALTER TABLE gold_device_minutes DROP COLUMN usage_ids;
`
