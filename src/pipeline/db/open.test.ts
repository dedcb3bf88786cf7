import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../testing/temp-db'
import { MIGRATIONS } from './migrations'
import { openDb } from './open'

describe('opening the database', () => {
  let dir: ReturnType<typeof tempDir>
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(() => dir.remove())

  it('creates the file with WAL, foreign keys and the latest schema version', () => {
    const db = openDb(dir.path('nested/folder/vigia.db'))
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    db.close()
  })

  it('refuses a database written by a newer Vigia', () => {
    const path = dir.path('vigia.db')
    const raw = new Database(path)
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`)
    raw.close()
    expect(() => openDb(path)).toThrow(/newer than this Vigia knows/)
  })

  it('opens again without re-running migrations', () => {
    const path = dir.path('vigia.db')
    openDb(path).close()
    const db = openDb(path)
    expect(db.prepare(`SELECT last_id FROM pipeline_watermarks WHERE stage = 'silver'`).get()).toEqual({
      last_id: 0,
    })
    db.close()
  })
})
