// 8: frame records without bronze rows (issue #18).
// A frame's records are no longer copied to bronze: landing holds its bytes, and splitFrame gives the same
// records from them again, so (landing_id, line) finds a frame's record. Silver, quarantine and duplicates
// name their record by (landing_id, line) and by bronze_id when a bronze row holds it (a file's record, or
// any record written before this migration), 0 when none does. Rows of silver_events written before keep
// bronze_id as their only lineage (null landing_id and line): adding the columns rewrites no row.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
export default `
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
  `
