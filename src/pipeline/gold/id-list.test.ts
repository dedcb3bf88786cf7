import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { appendIdsSql, decodeIds, eachId, encodeIds } from './id-list'

describe('id lists', () => {
  const ids = [0, 1, 127, 128, 255, 16_383, 16_384, 2 ** 31, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]

  it('read back the ids they were written with, in order, 1 to 8 bytes each', () => {
    const blob = encodeIds(ids)
    expect(decodeIds(blob)).toEqual(ids)
    expect(encodeIds([127])).toHaveLength(1)
    expect(encodeIds([128])).toHaveLength(2)
    expect(decodeIds(encodeIds([]))).toEqual([])
  })

  it('stop where the visitor says', () => {
    const seen: number[] = []
    eachId(encodeIds(ids), (id) => id < 200 && seen.push(id) > 0)
    expect(seen).toEqual([0, 1, 127, 128])
  })

  it('refuse what is not a whole non-negative id, and a list cut short', () => {
    expect(() => encodeIds([1.5])).toThrow(/whole ids/)
    expect(() => encodeIds([-1])).toThrow(/whole ids/)
    expect(() => decodeIds(Buffer.from([0x81]))).toThrow(/cut short/)
  })

  it('join in SQL by concatenation, NULL being no ids', () => {
    const db = new Database(':memory:')
    db.exec('CREATE TABLE t (ids BLOB) STRICT')
    const append = db.prepare(`UPDATE t SET ids = ${appendIdsSql('ids', ':more')}`)
    db.prepare('INSERT INTO t VALUES (NULL)').run()
    append.run({ more: null })
    expect(db.prepare('SELECT ids FROM t').pluck().get()).toBeNull()
    append.run({ more: encodeIds(ids.slice(0, 4)) })
    append.run({ more: null })
    append.run({ more: encodeIds(ids.slice(4)) })
    expect(decodeIds(db.prepare('SELECT ids FROM t').pluck().get() as Buffer)).toEqual(ids)
  })
})
