// 16: each client's bytes per minute, on every server, for the minutes before the newest event's: the
// heavy clients at a past T are found from them by the pigeonhole bound (docs/metrics.md, section 4), by
// index seeks, instead of grouping every (minute, client, server) row the window touches.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
  CREATE TABLE gold_client_minutes (
    minute INTEGER NOT NULL,         -- the minute bucket, as in gold_client_usage_parts
    client TEXT NOT NULL,
    bytes INTEGER NOT NULL,          -- the client's bytes in the minute, on every server
    PRIMARY KEY (minute, client)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX gold_client_minutes_bytes ON gold_client_minutes(minute, bytes);
  -- Only the minutes before the newest second's (gold_live.newest_sec): the newest one is still being filled.
  INSERT INTO gold_client_minutes (minute, client, bytes)
    SELECT minute, client, sum(bytes) FROM gold_client_usage_parts
    WHERE minute < (SELECT (newest_sec + 59) / 60 FROM gold_live WHERE id = 1)
    GROUP BY minute, client;
`
