// The limit of the throughput benchmarks: the same events inserted into one plain table, no index, no
// constraint, with the writer's pragmas, the fastest SQLite write here.
import Database from 'better-sqlite3'
import { CSV_COLUMNS, type EventRow } from './datasets'

type Value = string | number | null

/** Inserts rows into one plain table, in one transaction per call. */
export function plainTable(path: string): (rows: Value[][]) => void {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.exec(`CREATE TABLE events (${CSV_COLUMNS.map((c) => `${c} ANY`).join(', ')}) STRICT`)
  const insert = db.prepare(`INSERT INTO events VALUES (${CSV_COLUMNS.map(() => '?').join(', ')})`)
  return db.transaction((rows: Value[][]) => {
    for (const row of rows) insert.run(row)
  })
}

export const rowOf = (line: string): Value[] => {
  const event = JSON.parse(line) as EventRow
  return CSV_COLUMNS.map((c) => event[c] ?? null)
}
