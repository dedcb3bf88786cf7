import {
  REFILL_CLIENT_WINDOWS_SQL,
  REFILL_LATEST_SERVERS_SQL,
  REFILL_LIVE_STATE_SQL,
  REFILL_MAIN_SERVERS_SQL,
  REFILL_PAIR_WINDOWS_SQL,
  refillLiveState,
} from '../gold/live-state'
import { refoldSilverUsage } from '../gold/usage-refold'
import type { Db } from './open'

/** SQL, and for a migration that computes in JavaScript, a function run after it in the same transaction. */
export type Migration = string | { sql: string; then: (db: Db) => void }

// Numbered migrations, applied in order and recorded in PRAGMA user_version. A database whose
// user_version is newer than this list was written by a newer Vigia: we refuse to touch it.
export const MIGRATIONS: readonly Migration[] = [
  // 1: the medallion layers, watermarks, settings and import history.
  `
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
  `,
  // 2: alerts, evaluated in event time, and the per-minute utilisation samples they are judged on.
  `
  CREATE TABLE alert_samples (
    server TEXT NOT NULL,
    minute INTEGER NOT NULL,       -- event-time minute: the sample is as of minute * 60000
    connection_util REAL NOT NULL, -- connected devices / max_connections
    throughput_util REAL NOT NULL, -- last-minute throughput / capacity
    PRIMARY KEY (server, minute)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX alert_samples_minute ON alert_samples(minute);

  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    rule TEXT NOT NULL CHECK (rule IN ('server-overloaded', 'upgrade-recommended', 'heavy-user')),
    subject TEXT NOT NULL,         -- a server id, or a client id for heavy-user
    state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved', 'cancelled')),
    since INTEGER NOT NULL,        -- event time the condition began
    fired_at INTEGER,              -- event time it fired
    resolved_at INTEGER,           -- event time it resolved (or was cancelled while pending)
    value REAL NOT NULL,           -- the latest value the rule judged
    summary TEXT NOT NULL,         -- one line: what and why
    details TEXT NOT NULL,         -- JSON: the evidence (which utilisation, share, days to saturation...)
    phase TEXT NOT NULL,           -- JSON: the rule's state machine (hysteresis)
    historical INTEGER NOT NULL,   -- 1 when it fired for imported history: shown, never notified
    created_at INTEGER NOT NULL,   -- wall clock
    acked_at INTEGER, acked_by TEXT, ack_comment TEXT,
    silenced_until INTEGER,
    notify_count INTEGER NOT NULL DEFAULT 0,
    last_notified_at INTEGER
  ) STRICT;
  -- One alert per (rule, subject) at a time.
  CREATE UNIQUE INDEX alerts_open ON alerts(rule, subject) WHERE state IN ('pending', 'firing');
  CREATE INDEX alerts_state ON alerts(state, id);

  CREATE TABLE alert_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    at INTEGER NOT NULL,           -- wall clock
    event_time INTEGER,            -- event time, for state changes
    kind TEXT NOT NULL,            -- pending | firing | resolved | cancelled | ack | silence | notified
    who TEXT,
    comment TEXT
  ) STRICT;
  CREATE INDEX alert_log_alert ON alert_log(alert_id, id);

  INSERT INTO pipeline_watermarks VALUES ('alerts', 0);  -- last evaluated event-time minute
  `,
  // 3: gold_devices and gold_clients without a rowid (one b-tree less to rewrite as they are upserted per
  // batch), and client usage per minute, so 5-minute windows over 100,000 clients read whole minutes.
  `
  CREATE TABLE gold_devices_v3 (
    device TEXT PRIMARY KEY,
    server TEXT, client TEXT, device_type TEXT, plan_mbps REAL, ip TEXT,
    connect_ts INTEGER,            -- latest connect
    status TEXT,                   -- 'connect' | 'disconnect' of the latest status change
    status_ts INTEGER,
    first_seen INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  INSERT INTO gold_devices_v3 SELECT device, server, client, device_type, plan_mbps, ip, connect_ts, status,
    status_ts, first_seen, last_seen FROM gold_devices;
  DROP TABLE gold_devices;
  ALTER TABLE gold_devices_v3 RENAME TO gold_devices;
  CREATE INDEX gold_devices_client ON gold_devices(client);

  CREATE TABLE gold_clients_v3 (
    client TEXT PRIMARY KEY,
    plan_mbps REAL, plan_ts INTEGER,
    first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL
  ) STRICT, WITHOUT ROWID;
  INSERT INTO gold_clients_v3 SELECT client, plan_mbps, plan_ts, first_seen, last_seen FROM gold_clients;
  DROP TABLE gold_clients;
  ALTER TABLE gold_clients_v3 RENAME TO gold_clients;

  -- Minute m holds events with ts in ((m - 1) * 60000, m * 60000]: second s belongs to minute ceil(s / 60).
  CREATE TABLE gold_client_usage_minute (
    minute INTEGER NOT NULL, client TEXT NOT NULL, server TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (minute, client, server)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO gold_client_usage_minute
    SELECT (sec + 59) / 60, client, server, sum(bytes) FROM gold_client_usage_second GROUP BY 1, 2, 3;
  `,
  // 4: live state, kept as gold folds, for the overview at "now" (src/pipeline/gold/live-state.ts), counted
  // once from the gold tables by the same refill the live state is tested against.
  `
  CREATE TABLE gold_live (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    newest_sec INTEGER NOT NULL      -- the newest second folded into gold
  ) STRICT;
  CREATE TABLE gold_live_devices (   -- devices whose latest status is a connect
    last_sec INTEGER NOT NULL,       -- the second of their last event
    server TEXT NOT NULL,
    device_type TEXT NOT NULL,       -- '' for none
    devices INTEGER NOT NULL,
    plan_kbps INTEGER NOT NULL,      -- their plans, in kb/s
    PRIMARY KEY (last_sec, server, device_type)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_live_connects (  -- devices per second of their latest connect
    sec INTEGER PRIMARY KEY,
    devices INTEGER NOT NULL
  ) STRICT;
  ALTER TABLE gold_clients ADD COLUMN live_until INTEGER;  -- last event of its devices whose status is a connect
  ALTER TABLE gold_clients ADD COLUMN window_bytes INTEGER NOT NULL DEFAULT 0;  -- usage in (N - 300 s, N]
  ALTER TABLE gold_clients ADD COLUMN devices INTEGER NOT NULL DEFAULT 0;  -- devices naming it as their client
  CREATE TABLE gold_live_client_servers (  -- usage bytes per client and server in (N - 300 s, N], if any
    client TEXT NOT NULL,
    server TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (client, server)
  ) STRICT, WITHOUT ROWID;
  CREATE TABLE gold_live_pairs (     -- flow bytes per ordered pair in (N - 60 s, N], pairs with some only
    device TEXT NOT NULL,
    peer TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (device, peer)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX gold_live_pairs_bytes ON gold_live_pairs(bytes DESC, device, peer);
  ${REFILL_LIVE_STATE_SQL}
  ${REFILL_CLIENT_WINDOWS_SQL}
  ${REFILL_PAIR_WINDOWS_SQL}
  `,
  // 5: each client's main server at N, kept with its window, and the server of its latest connect, so that
  // the heavy-user table sorts and filters 100,000 clients by server or share of server on gold_clients alone.
  `
  ALTER TABLE gold_clients ADD COLUMN main_server TEXT;  -- the server carrying most of its usage in (N - 300 s, N]
  ALTER TABLE gold_clients ADD COLUMN main_bytes INTEGER NOT NULL DEFAULT 0;  -- its usage there in that window
  ALTER TABLE gold_clients ADD COLUMN latest_server TEXT;  -- the server of its devices' latest connect
  ${REFILL_MAIN_SERVERS_SQL}
  ${REFILL_LATEST_SERVERS_SQL}
  `,
  // 6: each device's activity per minute replaces silver's (device, ts) index, the one b-tree every event
  // wrote a random page of: at 10 million events a 10,000-event flush wrote 26,000 of its pages. The
  // metrics only asked it whether a device sent anything in an idle window (metrics/connected-devices.ts).
  `
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
  `,
  // 7: usage samples spread over the interval they cover, and counted under their device's type in event
  // time (docs/metrics.md, "Usage samples"): usage counted again from silver. A late connect finds the
  // samples to re-attribute through this index, keyed by minute as gold_device_minutes is, so a flush writes
  // into the current minute's pages instead of one random page per device.
  {
    // A device never connected has no server or client now (they came from whichever event arrived first).
    sql: `
    CREATE INDEX silver_events_usage_minute ON silver_events((ts + 59999) / 60000, device) WHERE type = 'usage';
    UPDATE gold_devices SET server = NULL, client = NULL
      WHERE connect_ts IS NULL AND (server IS NOT NULL OR client IS NOT NULL);`,
    then: (db) => {
      refoldSilverUsage(db)
      refillLiveState(db)
    },
  },
  // ---- 8: frame records without bronze rows (issue #18). Self-contained SQL: it can move to a file of its own.
  // A frame's records are no longer copied to bronze: landing holds its bytes, and splitFrame gives the same
  // records from them again, so (landing_id, line) finds a frame's record. Silver, quarantine and duplicates
  // name their record by (landing_id, line) and by bronze_id when a bronze row holds it (a file's record, or
  // any record written before this migration), 0 when none does. Rows of silver_events written before keep
  // bronze_id as their only lineage (null landing_id and line): adding the columns rewrites no row.
  `
  ALTER TABLE silver_events ADD COLUMN landing_id INTEGER;  -- the record's payload; null before migration 8
  ALTER TABLE silver_events ADD COLUMN line INTEGER;        -- its line in the payload (as in bronze)
  -- A file's bronze rows are read in arrival order among frames, which have no bronze row: after every
  -- payload landed before them (this id, the largest landing id when they were written), before any later one.
  -- Null before migration 8, when every frame had bronze rows: landing_id stands in for it.
  ALTER TABLE bronze_records ADD COLUMN after_landing_id INTEGER;

  -- Keyed by a row id of its own: a frame's duplicate has no bronze id.
  CREATE TABLE silver_duplicates_v8 (
    id INTEGER PRIMARY KEY,
    bronze_id INTEGER NOT NULL,      -- 0 when no bronze row holds the record (a frame's)
    landing_id INTEGER NOT NULL,
    line INTEGER,                    -- null only for a duplicate whose bronze row was gone at migration 8
    event_id TEXT NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT;
  INSERT INTO silver_duplicates_v8 (bronze_id, landing_id, line, event_id, received_at)
    SELECT d.bronze_id, d.landing_id, b.line, d.event_id, d.received_at
    FROM silver_duplicates d LEFT JOIN bronze_records b ON b.id = d.bronze_id ORDER BY d.bronze_id;
  DROP TABLE silver_duplicates;
  ALTER TABLE silver_duplicates_v8 RENAME TO silver_duplicates;
  CREATE INDEX silver_duplicates_landing ON silver_duplicates(landing_id);

  -- Silver reads frames from landing past this id. Every payload landed so far has its records in bronze.
  INSERT INTO pipeline_watermarks VALUES ('silver-landing', coalesce((SELECT max(id) FROM landing_payloads), 0));
  `,
  // ---- end of migration 8
]
