// 18: gold in a file of its own, attached to every connection as `gold` (src/pipeline/db/gold-file.ts; the
// writer attaches it before migrating). Every gold_ table moves there with its indexes and rows, and so do
// gold's watermarks ('gold', 'connected-idle-ms', now in pipeline_gold_watermarks). The database gets an identity,
// which gold's file records: a gold file that is not the database's own is made again and refolded.
// SQLite commits the two files one after the other, main first: a crash in between leaves gold's file without
// its identity, which the writer's next open makes again (ensureGoldFile), never a half-moved gold.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
import type { Db } from '../open'

const GOLD_STAGES = ['gold', 'connected-idle-ms']

/** `CREATE TABLE x` / `CREATE [UNIQUE] INDEX x` as sqlite_schema keeps it, for x in schema gold. */
const inGold = (sql: string) => sql.replace(/^(CREATE (?:UNIQUE )?(?:TABLE|INDEX) )/i, '$1gold.')

function moveGold(db: Db): void {
  db.prepare(`INSERT INTO database_identity (id) VALUES (lower(hex(randomblob(16))))`).run()
  // What an earlier attempt may have left in gold's file.
  const left = db
    .prepare<[], string>(
      `SELECT name FROM gold.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
    )
    .pluck()
    .all()
  for (const name of left) db.exec(`DROP TABLE gold."${name}"`)
  const tables = db
    .prepare<[], { name: string; sql: string }>(
      `SELECT name, sql FROM main.sqlite_schema WHERE type = 'table' AND name LIKE 'gold\\_%' ESCAPE '\\'
       ORDER BY rowid`,
    )
    .all()
  const indexes = db.prepare<[string], string>(
    `SELECT sql FROM main.sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid`,
  )
  for (const { name, sql } of tables) {
    const own = indexes.pluck().all(name)
    db.exec(inGold(sql))
    db.exec(`INSERT INTO gold."${name}" SELECT * FROM main."${name}"`)
    // Built after the rows: one sort rather than an insert per row.
    for (const index of own) db.exec(inGold(index))
    db.exec(`DROP TABLE main."${name}"`)
  }
  db.exec(`
    CREATE TABLE gold.pipeline_gold_watermarks (
      stage TEXT PRIMARY KEY,
      last_id INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE gold.pipeline_gold_identity (
      main_id TEXT NOT NULL              -- database_identity.id of the database this gold was folded from
    ) STRICT;
    INSERT INTO gold.pipeline_gold_identity (main_id) SELECT id FROM main.database_identity;`)
  const stages = GOLD_STAGES.map((s) => `'${s}'`).join(', ')
  db.exec(`
    INSERT INTO gold.pipeline_gold_watermarks (stage, last_id)
      SELECT stage, last_id FROM main.pipeline_watermarks WHERE stage IN (${stages});
    DELETE FROM main.pipeline_watermarks WHERE stage IN (${stages});`)
}

export default {
  sql: `
  CREATE TABLE database_identity (
    id TEXT NOT NULL                   -- random, made once: gold's file records it (pipeline_gold_identity)
  ) STRICT;`,
  then: moveGold,
}
