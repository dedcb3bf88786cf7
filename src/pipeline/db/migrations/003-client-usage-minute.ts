// 3: gold_devices and gold_clients without a rowid (one b-tree less to rewrite as they are upserted per
// batch), and client usage per minute, so 5-minute windows over 100,000 clients read whole minutes.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
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
  `
