// 1: the medallion layers, watermarks, settings and import history.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  -- AUTOINCREMENT on the layers read by watermark: ids are never reused, even after retention deleted the
  -- newest rows, so "id > watermark" always finds new rows.
  CREATE TABLE landing_payloads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source TEXT NOT NULL,          -- 'ws:<peer>' or 'file:<path>'
    kind TEXT NOT NULL,            -- 'frame' | 'file-chunk'
    seq TEXT,                      -- client frame sequence, or chunk index within a file
    received_at INTEGER NOT NULL,  -- epoch ms
    bytes BLOB NOT NULL,
    error TEXT                     -- why the payload could not be split into records, if it could not
  ) STRICT;
  CREATE INDEX landing_payloads_received ON landing_payloads(received_at);

  CREATE TABLE bronze_records (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    landing_id INTEGER NOT NULL REFERENCES landing_payloads(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,         -- 1-based record position in its source (frame line, file line or row)
    format TEXT NOT NULL,          -- 'json' | 'csv' (all values are strings) | 'parquet'
    received_at INTEGER NOT NULL,
    raw TEXT NOT NULL,             -- the record as received (JSON text; CSV rows as a JSON object of cells)
    error TEXT                     -- why the record could not be read (invalid UTF-8, CSV syntax), if so
  ) STRICT;
  CREATE INDEX bronze_records_landing ON bronze_records(landing_id);
  CREATE INDEX bronze_records_received ON bronze_records(received_at);

  CREATE TABLE silver_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    ts INTEGER NOT NULL,           -- UTC epoch ms
    type TEXT NOT NULL CHECK (type IN ('connect','disconnect','usage','flow')),
    server TEXT,
    device TEXT NOT NULL,
    client TEXT,
    peer TEXT,
    device_type TEXT,
    plan_mbps REAL,
    ip TEXT,
    bytes_down INTEGER,
    bytes_up INTEGER,
    bytes INTEGER,
    duration_ms INTEGER,
    bronze_id INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX silver_events_device_ts ON silver_events(device, ts);
  CREATE INDEX silver_events_status ON silver_events(device, ts) WHERE type IN ('connect','disconnect');
  CREATE INDEX silver_events_client_connect ON silver_events(client, ts) WHERE type = 'connect';
  CREATE INDEX silver_events_type_ts ON silver_events(type, ts, device);
  CREATE INDEX silver_events_ts ON silver_events(ts);

  CREATE TABLE silver_quarantine (
    id INTEGER PRIMARY KEY,
    bronze_id INTEGER NOT NULL,
    landing_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    field TEXT,                    -- the offending field, when one is to blame
    reason TEXT NOT NULL,
    raw TEXT NOT NULL,
    received_at INTEGER NOT NULL   -- when the record was received (retention, like bronze)
  ) STRICT;
  CREATE INDEX silver_quarantine_landing ON silver_quarantine(landing_id);

  CREATE TABLE silver_duplicates (
    bronze_id INTEGER PRIMARY KEY,
    landing_id INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX silver_duplicates_landing ON silver_duplicates(landing_id);

  -- Gold: per-second buckets; an event at ts belongs to second ceil(ts / 1000), so the half-open
  -- window (T - W, T] of whole seconds is exactly a range of buckets.
  CREATE TABLE gold_conn_second (
    sec INTEGER NOT NULL, server TEXT NOT NULL,
    connects INTEGER NOT NULL, disconnects INTEGER NOT NULL,
    PRIMARY KEY (sec, server)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_conn_minute (
    minute INTEGER NOT NULL, server TEXT NOT NULL,
    connects INTEGER NOT NULL, disconnects INTEGER NOT NULL,
    PRIMARY KEY (minute, server)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_usage_second (
    sec INTEGER NOT NULL, server TEXT NOT NULL,
    bytes_down INTEGER NOT NULL, bytes_up INTEGER NOT NULL,
    PRIMARY KEY (sec, server)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_usage_minute (
    minute INTEGER NOT NULL, server TEXT NOT NULL,
    bytes_down INTEGER NOT NULL, bytes_up INTEGER NOT NULL,
    PRIMARY KEY (minute, server)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_client_usage_second (
    sec INTEGER NOT NULL, client TEXT NOT NULL, server TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (sec, client, server)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_device_type_usage_second (
    sec INTEGER NOT NULL, device_type TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (sec, device_type)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_flow_second (
    sec INTEGER NOT NULL, device TEXT NOT NULL, peer TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (sec, device, peer)
  ) STRICT, WITHOUT ROWID;

  -- Current state, maintained in event time: a late event never overwrites a newer one.
  CREATE TABLE gold_devices (
    device TEXT PRIMARY KEY,
    server TEXT, client TEXT, device_type TEXT, plan_mbps REAL, ip TEXT,
    connect_ts INTEGER,            -- latest connect
    status TEXT,                   -- 'connect' | 'disconnect' of the latest status change
    status_ts INTEGER,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX gold_devices_client ON gold_devices(client);
  CREATE TABLE gold_clients (
    client TEXT PRIMARY KEY,
    plan_mbps REAL, plan_ts INTEGER,
    first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL
  ) STRICT;
  CREATE TABLE gold_servers (
    server TEXT PRIMARY KEY,
    first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE pipeline_watermarks (
    stage TEXT PRIMARY KEY,        -- 'silver' (last bronze id read) | 'gold' (last silver id read)
    last_id INTEGER NOT NULL
  ) STRICT;
  INSERT INTO pipeline_watermarks VALUES ('silver', 0), ('gold', 0);

  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL            -- JSON
  ) STRICT;
  CREATE TABLE settings_servers (
    server TEXT PRIMARY KEY,
    name TEXT, region TEXT,
    max_connections INTEGER NOT NULL CHECK (max_connections > 0),
    capacity_mbps REAL NOT NULL CHECK (capacity_mbps > 0)
  ) STRICT;

  CREATE TABLE import_history (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    format TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    status TEXT NOT NULL,          -- 'running' | 'done' | 'cancelled' | 'failed'
    records INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    duplicates INTEGER NOT NULL DEFAULT 0,
    quarantined INTEGER NOT NULL DEFAULT 0,
    error TEXT
  ) STRICT;
  CREATE INDEX import_history_sha ON import_history(sha256);
  `
