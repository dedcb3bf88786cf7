// 14: a device's activity in its latest minute (the minute of its last_seen) moves from gold_device_minutes
// into its gold_devices row: the first event's ts of that minute and the silver ids of its usage samples
// there (its last event is last_seen). Nearly every event moves its device's last_seen, so gold rewrote two
// rows keyed by device per event, the device's and its minute's; now one, and a minute row only when the
// device's latest minute changes (once a minute for a device that reports every few seconds). A device with
// no row for that minute (retention removed it) keeps NULLs. Minute m holds (m - 1) * 60000 < ts <= m * 60000.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  ALTER TABLE gold_devices ADD COLUMN minute_first_ts INTEGER;
  ALTER TABLE gold_devices ADD COLUMN minute_usage_ids BLOB;
  UPDATE gold_devices SET (minute_first_ts, minute_usage_ids) = (
    SELECT m.first_ts, m.usage_ids FROM gold_device_minutes m
    WHERE m.minute = (gold_devices.last_seen + 59999) / 60000 AND m.device = gold_devices.device);
  DELETE FROM gold_device_minutes WHERE (minute, device) IN (
    SELECT (last_seen + 59999) / 60000, device FROM gold_devices WHERE minute_first_ts IS NOT NULL);
`
