// A table's rows as sorted JSON lines: two databases that should hold the same rows are compared on it.
import type Database from 'better-sqlite3'

export function tableDump(db: Database.Database, table: string, columns = '*'): string {
  return db
    .prepare(`SELECT ${columns} FROM ${table}`)
    .raw()
    .all()
    .map((row) => JSON.stringify(row))
    .sort()
    .join('\n')
}
