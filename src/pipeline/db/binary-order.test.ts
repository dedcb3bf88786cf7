import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { compareBinary } from './binary-order'

describe("SQLite's BINARY order in JavaScript", () => {
  it('sorts names as ORDER BY does, where JavaScript alone would not', () => {
    const names = [
      'ap-\uff01',
      'ap-\u{1F600}',
      'ap-\u{10000}',
      'ap-\ue000',
      'ap-\ud7ff',
      'ap-é',
      'ap-1',
      'ap-10',
      'ap-',
      'AP-1',
      'ap-\u{1F600}x',
      '',
    ]
    const db = new Database(':memory:')
    db.exec('CREATE TABLE t (name TEXT)')
    const insert = db.prepare('INSERT INTO t VALUES (?)')
    for (const name of names) insert.run(name)
    const sqlite = db.prepare('SELECT name FROM t ORDER BY name').pluck().all()
    db.close()
    expect([...names].sort(compareBinary)).toEqual(sqlite)
    // The plain sort orders U+1F600 before U+FF01: the difference this module exists for.
    expect([...names].sort()).not.toEqual(sqlite)
  })

  it('is zero only for equal strings', () => {
    expect(compareBinary('ap-1', 'ap-1')).toBe(0)
    expect(compareBinary('ap-1', 'ap-10')).toBeLessThan(0)
    expect(compareBinary('\u{1F600}', '\uff01')).toBeGreaterThan(0)
  })
})
