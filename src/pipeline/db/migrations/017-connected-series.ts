// 17: the connected devices per second (gold/connected-series.ts): how the count and plan sum of each
// server and device type change at each second, and their values at each whole minute. Counted by the
// engine when it opens the database (ensureConnectedSeries), for the idle timeout of the settings, which
// this migration does not read: 'connected-idle-ms' 0 says the series is not kept yet.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  CREATE TABLE gold_connected_changes (
    sec INTEGER NOT NULL,            -- the count changes from this second on
    server TEXT NOT NULL,            -- '' for none, as in gold_live_devices
    device_type TEXT NOT NULL,       -- '' for none
    devices INTEGER NOT NULL,        -- connected devices gained (negative: lost)
    plan_kbps INTEGER NOT NULL,      -- and the change of the sum of their plans, in kb/s
    PRIMARY KEY (sec, server, device_type)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_connected_minutes (
    minute INTEGER NOT NULL,         -- the count at second minute * 60
    server TEXT NOT NULL,
    device_type TEXT NOT NULL,
    devices INTEGER NOT NULL,
    plan_kbps INTEGER NOT NULL,
    PRIMARY KEY (minute, server, device_type)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO pipeline_watermarks VALUES ('connected-idle-ms', 0);
`
