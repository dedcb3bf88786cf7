import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from './db/open'
import { RETENTION_GROUPS, retentionDeleteSql } from './retention'
import { tempDir } from './testing/temp-db'

// Tables without an index on their time column: their delete reads every row (none in gold).
const SCANNED = ['silver_quarantine', 'silver_duplicates']

let temp: ReturnType<typeof tempDir>
let db: Db
beforeEach(() => {
  temp = tempDir()
  db = openDb(temp.path('vigia.db'))
})
afterEach(() => {
  db.close()
  temp.remove()
})

const planOf = (sql: string): string[] =>
  db
    .prepare<[number], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
    .all(0)
    .map((r) => r.detail)

describe('retention deletes', () => {
  it('search each table by a range of its time column in an index or the primary key', () => {
    for (const t of RETENTION_GROUPS.flatMap((g) => g.tables)) {
      if (SCANNED.includes(t.table)) continue
      const [own, ...cascades] = planOf(retentionDeleteSql(t))
      expect(own, t.table).toMatch(
        new RegExp(
          `^SEARCH ${t.table} USING (PRIMARY KEY|(COVERING )?INDEX \\w+) \\((\\w+=\\? AND )?${t.column}<\\?\\)$`,
        ),
      )
      // Deleting landing payloads deletes their bronze records (ON DELETE CASCADE): by index too.
      for (const step of cascades) expect(step, t.table).toMatch(/^SEARCH /)
    }
  })

  it('scan only the tables without an index on their time column', () => {
    for (const table of SCANNED) {
      const t = RETENTION_GROUPS.flatMap((g) => g.tables).find((x) => x.table === table)!
      expect(planOf(retentionDeleteSql(t)), table).toEqual([`SCAN ${table}`])
    }
  })
})
