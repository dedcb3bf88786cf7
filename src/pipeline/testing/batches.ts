// Test helpers: the same events cut into frames and flushes in other ways, and tables dumped to compare.
import type { Db } from '../db/open'

/** Splits items into consecutive batches at the given cut points (taken modulo the length + 1). */
export function split<T>(items: T[], cuts: number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b)
  const batches: T[][] = []
  let start = 0
  for (const p of [...points, items.length]) {
    if (p > start) batches.push(items.slice(start, p))
    start = Math.max(start, p)
  }
  return batches
}

/** The rows a query returns, each as JSON, sorted: equal for two tables of the same rows in any order. */
export function sortedRows(db: Db, sql: string): string[] {
  return db
    .prepare(sql)
    .raw()
    .all()
    .map((row) => JSON.stringify(row))
    .sort()
}

/** The names of the tables whose name matches a LIKE pattern, in the database's file and gold's, sorted. */
export function tablesLike(db: Db, pattern: string): string[] {
  return db
    .prepare<[string], { name: string }>(
      `SELECT name FROM (SELECT type, name FROM main.sqlite_schema UNION ALL SELECT type, name FROM gold.sqlite_schema)
       WHERE type = 'table' AND name LIKE ? ORDER BY name`,
    )
    .all(pattern)
    .map((t) => t.name)
}
