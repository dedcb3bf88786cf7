// 4: live state, kept as gold folds, for the overview at "now" (src/pipeline/gold/live-state.ts), counted
// once from the gold tables by the refill SQL of live-state.ts as it was then (REFILL_LIVE_STATE_SQL,
// REFILL_CLIENT_WINDOWS_SQL, REFILL_PAIR_WINDOWS_SQL), copied in.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
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
  
  DELETE FROM gold_live;
  INSERT INTO gold_live (id, newest_sec)
    SELECT 1, (max(last_seen) / 1000 + (max(last_seen) % 1000 > 0)) FROM gold_devices HAVING count(*) > 0;
  DELETE FROM gold_live_devices;
  INSERT INTO gold_live_devices (last_sec, server, device_type, devices, plan_kbps)
    SELECT (last_seen / 1000 + (last_seen % 1000 > 0)), server, coalesce(device_type, ''), count(*),
      sum(CAST(round(coalesce(plan_mbps, 0) * 1000) AS INTEGER))
    FROM gold_devices WHERE status = 'connect' GROUP BY 1, 2, 3;
  DELETE FROM gold_live_connects;
  INSERT INTO gold_live_connects (sec, devices)
    SELECT (connect_ts / 1000 + (connect_ts % 1000 > 0)), count(*) FROM gold_devices WHERE connect_ts IS NOT NULL GROUP BY 1;
  UPDATE gold_clients SET live_until = NULL, devices = 0 WHERE live_until IS NOT NULL OR devices <> 0;
  UPDATE gold_clients SET devices = d.devices
    FROM (SELECT client, count(*) AS devices FROM gold_devices WHERE client IS NOT NULL GROUP BY client) d
    WHERE gold_clients.client = d.client;
  UPDATE gold_clients SET live_until = d.until
    FROM (SELECT client, max(last_seen) AS until FROM gold_devices
          WHERE status = 'connect' AND client IS NOT NULL GROUP BY client) d
    WHERE gold_clients.client = d.client;

  
  DELETE FROM gold_live_client_servers;
  INSERT INTO gold_live_client_servers (client, server, bytes)
    SELECT client, server, sum(bytes) FROM gold_client_usage_second
    WHERE sec > (SELECT newest_sec FROM gold_live) - 300
    GROUP BY client, server HAVING sum(bytes) > 0;
  UPDATE gold_clients SET window_bytes = 0 WHERE window_bytes <> 0;
  UPDATE gold_clients SET window_bytes = w.bytes
    FROM (SELECT client, sum(bytes) AS bytes FROM gold_live_client_servers GROUP BY client) w
    WHERE gold_clients.client = w.client;
  
  DELETE FROM gold_live_pairs;
  INSERT INTO gold_live_pairs (device, peer, bytes)
    SELECT device, peer, sum(bytes) FROM gold_flow_second
    WHERE sec > (SELECT newest_sec FROM gold_live) - 60 GROUP BY device, peer HAVING sum(bytes) > 0;
  `
