// 5: each client's main server at N, kept with its window, and the server of its latest connect, so that
// the heavy-user table sorts and filters 100,000 clients by server or share of server on gold_clients alone.
// Filled by the refill SQL of live-state.ts as it was then (REFILL_MAIN_SERVERS_SQL,
// REFILL_LATEST_SERVERS_SQL), copied in.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  ALTER TABLE gold_clients ADD COLUMN main_server TEXT;  -- the server carrying most of its usage in (N - 300 s, N]
  ALTER TABLE gold_clients ADD COLUMN main_bytes INTEGER NOT NULL DEFAULT 0;  -- its usage there in that window
  ALTER TABLE gold_clients ADD COLUMN latest_server TEXT;  -- the server of its devices' latest connect
  
  UPDATE gold_clients SET main_server = NULL, main_bytes = 0 WHERE main_server IS NOT NULL OR main_bytes <> 0;
  UPDATE gold_clients SET main_server = m.server, main_bytes = m.bytes
    FROM (SELECT client, server, max(bytes) AS bytes FROM gold_live_client_servers GROUP BY client) m
    WHERE gold_clients.client = m.client;
  
  UPDATE gold_clients SET latest_server = (SELECT server FROM (SELECT server, max(connect_ts) FROM gold_devices WHERE client = gold_clients.client));
  `
