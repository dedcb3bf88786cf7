// Test helper: a freshly migrated database file for each test of the file that calls it, and the plan SQLite
// chooses for a statement (the query-plan tests hold reads and deletes to an index).
import { afterEach, beforeEach } from 'vitest'
import { openDb, type Db } from '../db/open'
import { tempDir } from './temp-db'

/** Registers the hooks; the function it returns gives the current test's database. */
export function freshDbEachTest(): () => Db {
  let temp: ReturnType<typeof tempDir> | undefined
  let db: Db | undefined
  beforeEach(() => {
    temp = tempDir()
    db = openDb(temp.path('vigia.db'))
  })
  afterEach(() => {
    db?.close()
    temp?.remove()
  })
  return () => db!
}

/** EXPLAIN QUERY PLAN of `sql` with `params`: one line per step. */
export const queryPlan = (db: Db, sql: string, ...params: unknown[]): string[] =>
  db
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...params)
    .map((r) => (r as { detail: string }).detail)
