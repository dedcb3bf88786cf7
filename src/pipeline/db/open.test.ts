import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempDir } from '../testing/temp-db'
import { writeFileSync } from 'node:fs'
import { explainDbError } from './explain-error'
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

describe('database faults', () => {
  let dir: ReturnType<typeof tempDir>
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(() => dir.remove())

  it('says a damaged file is not a usable database and what to do', () => {
    const path = dir.path('vigia.db')
    writeFileSync(path, 'not sqlite at all '.repeat(300))
    expect(() => openDb(path)).toThrow(/is not a usable Vigia database .* move it aside .* --db/)
  })

  it('says a folder that cannot hold the database cannot be written, and what to do', () => {
    writeFileSync(dir.path('a-file'), 'x')
    expect(() => openDb(dir.path('a-file/vigia.db'))).toThrow(
      /cannot write the database at .*folder exists and is writable/,
    )
  })

  it('says a database locked by another writer is locked, and what to do', () => {
    const path = dir.path('vigia.db')
    openDb(path).close()
    const other = new Database(path)
    other.pragma('locking_mode = EXCLUSIVE')
    other.exec('BEGIN EXCLUSIVE')
    try {
      expect(() => {
        const db = openDb(path)
        db.pragma('busy_timeout = 0')
        try {
          db.exec(`INSERT INTO settings VALUES ('x', '1')`)
        } catch (error) {
          throw explainDbError(error, path)
        } finally {
          db.close()
        }
      }).toThrow(/locked by another program/)
    } finally {
      other.exec('ROLLBACK')
      other.close()
    }
  })

  it('says a full disk is full and what to do', () => {
    const db = openDb(dir.path('vigia.db'))
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)
    try {
      // More than the pages the migrations left free (gold's tables moved to gold's file).
      db.exec(`INSERT INTO settings VALUES ('big', '${'x'.repeat(1_000_000)}')`)
      expect.unreachable()
    } catch (error) {
      expect(explainDbError(error, 'vigia.db').message).toMatch(
        /the disk holding vigia.db is full: free some space/,
      )
    } finally {
      db.close()
    }
  })
})
