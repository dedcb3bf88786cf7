import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Engine } from '../engine'
import { ingestShuffled, randomEvents } from '../metrics/testing/random-network'
import { sortedRows, tablesLike } from '../testing/batches'
import { useTempEngine } from '../testing/temp-engine'
import { goldPathOf } from './gold-file'
import { openDb, SchemaError, type Db } from './open'

const START = Date.UTC(2026, 11, 6, 9, 0, 0)
const SHAPE = { seed: 61, start: START, minutes: 6, events: 1500, devices: 30, clients: 10, servers: 3 }

const goldRows = (db: Db) =>
  Object.fromEntries(tablesLike(db, 'gold_%').map((name) => [name, sortedRows(db, `SELECT * FROM ${name}`)]))

describe("gold's file", () => {
  const temp = useTempEngine()
  afterEach(() => vi.restoreAllMocks())

  it('holds every gold table beside the database file, which holds none', () => {
    const db = temp.engine.db
    expect(existsSync(goldPathOf(temp.path('vigia.db')))).toBe(true)
    const inFile = (schema: string) =>
      db
        .prepare<[], string>(
          `SELECT name FROM ${schema}.sqlite_schema WHERE type = 'table' AND name LIKE 'gold_%'`,
        )
        .pluck()
        .all()
    expect(inFile('main')).toEqual([])
    expect(inFile('gold').sort()).toEqual(tablesLike(db, 'gold_%'))
    expect(inFile('gold').length).toBeGreaterThan(15)
  })

  it('is made again and refolded from silver when the database comes without it', () => {
    ingestShuffled(temp.engine, randomEvents(SHAPE), 5)
    const folded = goldRows(temp.engine.db)
    expect(folded.gold_devices!.length).toBe(SHAPE.devices)
    temp.engine.close()
    // The database's file alone, as a user copying "vigia.db" would.
    const copy = temp.path('copy.db')
    copyFileSync(temp.path('vigia.db'), copy)
    const said = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const engine = Engine.open(copy)
    try {
      expect(said.mock.calls.join('\n')).toMatch(/gold's file was not this database's own; made again/)
      expect(goldRows(engine.db).gold_devices).toEqual([])
      engine.advance()
      expect(goldRows(engine.db)).toEqual(folded)
    } finally {
      engine.close()
      temp.reopen()
    }
  })

  it("is refused by a reader when it is another database's", () => {
    temp.engine.close()
    const other = Engine.open(temp.path('other.db'))
    other.close()
    rmSync(goldPathOf(temp.path('vigia.db')))
    copyFileSync(goldPathOf(temp.path('other.db')), goldPathOf(temp.path('vigia.db')))
    expect(() => openDb(temp.path('vigia.db'), { readonly: true })).toThrow(SchemaError)
    expect(() => openDb(temp.path('vigia.db'), { readonly: true })).toThrow(
      /gold's file is not this database's own/,
    )
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    temp.reopen()
    const reader = openDb(temp.path('vigia.db'), { readonly: true })
    reader.close()
  })
})
