// Migrations 19 and 18 undone, for the tests that take a database back to an older schema: no device slots,
// gold's tables and watermarks back in the database's file, and no identity. Run before the undo of an older
// migration.
import type { Db } from '../db/open'
import { inSchema } from '../db/gold-file'

export function undoGoldFile(db: Db): void {
  db.transaction(() => {
    db.exec('ALTER TABLE gold.gold_devices DROP COLUMN slot')
    const tables = db
      .prepare<[], { name: string; sql: string }>(
        `SELECT name, sql FROM gold.sqlite_schema WHERE type = 'table' AND name LIKE 'gold\\_%' ESCAPE '\\'
         ORDER BY rowid`,
      )
      .all()
    const indexes = db
      .prepare<[string], string>(
        `SELECT sql FROM gold.sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
      )
      .pluck()
    for (const { name, sql } of tables) {
      const own = indexes.all(name)
      db.exec(inSchema(sql, 'main'))
      db.exec(`INSERT INTO main."${name}" SELECT * FROM gold."${name}"`)
      for (const index of own) db.exec(inSchema(index, 'main'))
      db.exec(`DROP TABLE gold."${name}"`)
    }
    db.exec(`
      INSERT INTO main.pipeline_watermarks (stage, last_id) SELECT stage, last_id FROM gold.pipeline_gold_watermarks;
      DROP TABLE gold.pipeline_gold_watermarks;
      DROP TABLE gold.pipeline_gold_identity;
      DROP TABLE main.database_identity;
      PRAGMA user_version = 17;`)
  })()
}
