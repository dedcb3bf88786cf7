// 2: alerts, evaluated in event time, and the per-minute utilisation samples they are judged on.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
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
  `
