// Test helper: takes a database back from migration 11 (a minute's total kept in the row of its parts) to the
// table of totals before it, for the tests that rewind a database to an older schema and migrate it again.
export const UNDO_PARTS_TOTAL_SQL = `
  CREATE TABLE gold_client_usage_minute (
    minute INTEGER NOT NULL, client TEXT NOT NULL, server TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    PRIMARY KEY (minute, client, server)
  ) STRICT, WITHOUT ROWID;
  INSERT INTO gold_client_usage_minute SELECT minute, client, server, bytes FROM gold_client_usage_parts;
  ALTER TABLE gold_client_usage_parts DROP COLUMN bytes;
`
