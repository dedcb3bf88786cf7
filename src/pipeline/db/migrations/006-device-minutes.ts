// 6: each device's activity per minute replaces silver's (device, ts) index, the one b-tree every event
// wrote a random page of: at 10 million events a 10,000-event flush wrote 26,000 of its pages. The
// metrics only asked it whether a device sent anything in an idle window (metrics/connected-devices.ts).
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  CREATE TABLE gold_device_minutes (
    minute INTEGER NOT NULL,         -- the minute bucket (minuteOf: ts in ((minute - 1) * 60000, minute * 60000])
    device TEXT NOT NULL,
    first_ts INTEGER NOT NULL,       -- its first and last event in that minute
    last_ts INTEGER NOT NULL,
    PRIMARY KEY (minute, device)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO gold_device_minutes
    SELECT (ts + 59999) / 60000, device, min(ts), max(ts) FROM silver_events GROUP BY 1, 2;
  DROP INDEX silver_events_device_ts;
  `
