// Test helper: takes a database back from migration 8 (frames without bronze rows) to the schema before it,
// for the tests that rewind a database to an older schema and migrate it again. The lineage of frames
// received since is dropped with it: those tests compare gold.
export const UNDO_FRAME_LINEAGE_SQL = `
  ALTER TABLE silver_events DROP COLUMN landing_id;
  ALTER TABLE silver_events DROP COLUMN line;
  ALTER TABLE bronze_records DROP COLUMN after_landing_id;
  CREATE TABLE silver_duplicates_v7 (
    bronze_id INTEGER PRIMARY KEY,
    landing_id INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    received_at INTEGER NOT NULL
  ) STRICT;
  INSERT INTO silver_duplicates_v7 SELECT bronze_id, landing_id, event_id, received_at FROM silver_duplicates
    WHERE bronze_id > 0;
  DROP TABLE silver_duplicates;
  ALTER TABLE silver_duplicates_v7 RENAME TO silver_duplicates;
  CREATE INDEX silver_duplicates_landing ON silver_duplicates(landing_id);
  DELETE FROM pipeline_watermarks WHERE stage = 'silver-landing';
`
