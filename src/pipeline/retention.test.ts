import { describe, expect, it } from 'vitest'
import { DATABASE_SCHEMAS } from './db/gold-file'
import { RETENTION_GROUPS, layerSizes, retentionDeleteSql } from './retention'
import { freshDbEachTest, queryPlan } from './testing/fresh-db'

// Tables without an index on their time column: their delete reads every row (none in gold).
const SCANNED = ['silver_quarantine', 'silver_duplicates']

const db = freshDbEachTest()

// The deletes' bound (`?`) as 0.
const planOf = (sql: string): string[] => queryPlan(db(), sql, 0)

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

describe('layer sizes', () => {
  it("add up every page of the file, each layer's tables with their indexes, as dbstat counts them page by page", () => {
    db()
      .prepare(
        `INSERT INTO landing_payloads (source, kind, seq, received_at, bytes) VALUES ('t', 'frame', NULL, 0, ?)`,
      )
      .run(Buffer.alloc(200_000))
    // Page by page, in both files: the database's and gold's.
    const pages = DATABASE_SCHEMAS.flatMap((schema) =>
      db()
        .prepare<[], { tbl: string; bytes: number }>(
          `SELECT coalesce(m.tbl_name, s.name) AS tbl, sum(s.pgsize) AS bytes
           FROM dbstat('${schema}') s LEFT JOIN ${schema}.sqlite_schema m ON m.name = s.name GROUP BY tbl`,
        )
        .all(),
    )
    const sizes = layerSizes(db())
    const landing = pages.filter((p) => p.tbl.startsWith('landing_')).reduce((sum, p) => sum + p.bytes, 0)
    expect(sizes.find((s) => s.layer === 'landing')!.bytes).toBe(landing)
    expect(landing).toBeGreaterThan(200_000)
    expect(sizes.reduce((sum, s) => sum + s.bytes, 0)).toBe(pages.reduce((sum, p) => sum + p.bytes, 0))
  })
})
