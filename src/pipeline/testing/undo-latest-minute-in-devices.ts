// Test helper: takes a database back from migration 14 (each device's latest minute in its gold_devices row)
// to every device minute in gold_device_minutes, for the tests that rewind a database to an older schema and
// migrate it again.
export const UNDO_LATEST_MINUTE_IN_DEVICES_SQL = `
  INSERT INTO gold_device_minutes (minute, device, first_ts, last_ts, usage_ids)
  SELECT (last_seen + 59999) / 60000, device, minute_first_ts, last_seen, minute_usage_ids FROM gold_devices
  WHERE minute_first_ts IS NOT NULL;
  ALTER TABLE gold_devices DROP COLUMN minute_first_ts;
  ALTER TABLE gold_devices DROP COLUMN minute_usage_ids;
`
