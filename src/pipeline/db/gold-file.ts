// Gold lives in a file of its own beside the database file, attached to every connection as schema `gold`.
// SQLite lets one writer per file at a time: with gold apart, gold's fold can commit while the engine commits
// landing and silver (docs/pipeline.md, "Gold's file"). Gold is derived from silver: a gold file that is
// missing or belongs to another database is made again, empty, and gold catches up from silver.
import { copyFileSync, existsSync, renameSync } from 'node:fs'
import type { Db } from './open'

/** The schema name gold's file is attached as. */
export const GOLD_SCHEMA = 'gold'

/** The schemas of a connection's two files, for what is done per file (page counts, pragmas). */
export const DATABASE_SCHEMAS = ['main', GOLD_SCHEMA] as const

/** Gold's file for the database at `path`: beside it, or a database of its own in memory for ':memory:'. */
export const goldPathOf = (path: string): string => (path === ':memory:' ? ':memory:' : `${path}-gold`)

/** The files a database is made of as SQLite leaves them closed: its own and gold's. */
export const databaseFiles = (path: string): string[] => [path, goldPathOf(path)]

/**
 * Attaches gold's file; a writable connection creates it if need be and gives it the writer's pragmas. A
 * read-only connection attaches it read-only (ATTACH takes the connection's flags) and fails if it is missing.
 */
export function attachGold(db: Db, path: string, writable: { cacheKib: number } | null): void {
  db.prepare(`ATTACH DATABASE ? AS ${GOLD_SCHEMA}`).run(goldPathOf(path))
  if (!writable) return
  db.pragma(`${GOLD_SCHEMA}.journal_mode = WAL`)
  db.pragma(`${GOLD_SCHEMA}.synchronous = NORMAL`)
  db.pragma(`${GOLD_SCHEMA}.cache_size = -${writable.cacheKib}`)
}

/** The one value of a one-row table, or null when the table or its row is not there. */
function soleValue(db: Db, schema: string, table: string, column: string): string | null {
  const exists = db
    .prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE type = 'table' AND name = ?`)
    .get(table)
  if (!exists) return null
  return db.prepare<[], string>(`SELECT ${column} FROM ${schema}.${table}`).pluck().get() ?? null
}

/** The identity of the database gold's file was made for, or null when it has none (new, or not gold's). */
const goldOwner = (db: Db) => soleValue(db, GOLD_SCHEMA, 'pipeline_gold_identity', 'main_id')

/** The database's own identity, or null before the migration that gives it one. */
const databaseId = (db: Db) => soleValue(db, 'main', 'database_identity', 'id')

/** Whether the attached gold file is the database's own (false before the database has an identity). */
export function goldFileMatches(db: Db): boolean {
  const id = databaseId(db)
  return id !== null && goldOwner(db) === id
}

/**
 * Makes gold's file again when it is not the database's own (deleted, copied without it, or left by a crash
 * between the two files' commits of the migration that moved gold there): every object of gold's schema as
 * in `template` (a database migrated from scratch), its watermarks at 0, so gold folds silver again. Returns
 * whether it was made again. The writer calls it after migrating.
 */
export function ensureGoldFile(db: Db, template: () => Db): boolean {
  const id = databaseId(db)
  if (id === null || goldOwner(db) === id) return false
  const scratch = template()
  try {
    const objects = scratch
      .prepare<[], string>(
        `SELECT sql FROM ${GOLD_SCHEMA}.sqlite_schema WHERE sql IS NOT NULL ORDER BY type = 'index', rowid`,
      )
      .pluck()
      .all()
    const stages = scratch
      .prepare<[], string>(`SELECT stage FROM ${GOLD_SCHEMA}.pipeline_gold_watermarks`)
      .pluck()
      .all()
    db.transaction(() => {
      const old = db
        .prepare<[], string>(
          `SELECT name FROM ${GOLD_SCHEMA}.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
        )
        .pluck()
        .all()
      for (const name of old) db.exec(`DROP TABLE ${GOLD_SCHEMA}."${name}"`)
      for (const sql of objects) db.exec(inSchema(sql, GOLD_SCHEMA))
      const put = db.prepare(
        `INSERT INTO ${GOLD_SCHEMA}.pipeline_gold_watermarks (stage, last_id) VALUES (?, 0)`,
      )
      for (const stage of stages) put.run(stage)
      db.prepare(`DELETE FROM ${GOLD_SCHEMA}.pipeline_gold_identity`).run()
      db.prepare(`INSERT INTO ${GOLD_SCHEMA}.pipeline_gold_identity (main_id) VALUES (?)`).run(id)
    })()
  } finally {
    scratch.close()
  }
  return true
}

/** A CREATE TABLE or CREATE INDEX statement as sqlite_schema keeps it, for the object in `schema`. */
export function inSchema(sql: string, schema: string): string {
  const qualified = sql.replace(/^(CREATE (?:UNIQUE )?(?:TABLE|INDEX) )/i, `$1${schema}.`)
  if (qualified === sql) throw new Error(`not a CREATE TABLE or CREATE INDEX statement: ${sql.slice(0, 60)}`)
  return qualified
}

/** Copies a closed database, gold's file too, to `to` (benchmarks and tests copy prepared databases). */
export function copyDatabase(from: string, to: string): void {
  copyFileSync(from, to)
  const gold = goldPathOf(from)
  if (existsSync(gold)) copyFileSync(gold, goldPathOf(to))
}

/** Renames a closed database, gold's file first: the database's file is what says the database is there. */
export function renameDatabase(from: string, to: string): void {
  if (existsSync(goldPathOf(from))) renameSync(goldPathOf(from), goldPathOf(to))
  renameSync(from, to)
}
