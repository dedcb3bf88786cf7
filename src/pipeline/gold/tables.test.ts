import { describe, expect, it } from 'vitest'
import { RETENTION_GROUPS } from '../retention'
import { tablesLike } from '../testing/batches'
import { freshDbEachTest } from '../testing/fresh-db'
import { GOLD_TABLES } from './tables'

const db = freshDbEachTest()

/** The primary key's columns of a table, in key order. */
const primaryKey = (table: string): string[] =>
  db()
    .prepare<[string], { name: string; pk: number }>('SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0')
    .all(table)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name)

describe('the registry of gold tables', () => {
  it('names every gold table of a freshly migrated database, once', () => {
    const names = GOLD_TABLES.map((t) => t.name)
    expect(new Set(names).size).toBe(names.length)
    expect([...names].sort()).toEqual(tablesLike(db(), 'gold_%'))
  })

  it("gives each table's primary key, in order", () => {
    for (const t of GOLD_TABLES) expect(primaryKey(t.name), t.name).toEqual(t.key)
  })

  it('times a bucketed table by the leading column of its key, in the unit the column counts', () => {
    const units = { sec: 1000, minute: 60_000 }
    for (const t of GOLD_TABLES) {
      if (t.kind !== 'buckets') continue
      expect(t.key[0], t.name).toBe(t.time.column)
      expect(t.time.unitMs, t.name).toBe(units[t.time.column])
    }
  })

  it('puts every bucketed table, and no other, in the retention group of its setting', () => {
    // `elsewhere` says where some of a table's rows are kept (a device's latest minute): not the table's own.
    const gold = RETENTION_GROUPS.filter((g) => g.layer === 'gold').flatMap((g) =>
      g.tables.map(({ elsewhere: _elsewhere, ...t }) => ({ ...t, setting: g.setting })),
    )
    const bucketed = GOLD_TABLES.flatMap((t) =>
      t.kind === 'buckets'
        ? [{ table: t.name, column: t.time.column, unitMs: t.time.unitMs, setting: t.time.retention }]
        : [],
    )
    const byName = (a: { table: string }, b: { table: string }) => a.table.localeCompare(b.table)
    expect(gold.sort(byName)).toEqual(bucketed.sort(byName))
  })
})
