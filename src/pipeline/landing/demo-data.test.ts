import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../db/open'
import { tempDir } from '../testing/temp-db'
import { HAS_DEMO_DATA_SQL, hasDemoDataQuery } from './demo-data'

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

const land = (source: string) =>
  db
    .prepare(
      `INSERT INTO landing_payloads (source, kind, seq, received_at, bytes) VALUES (?, 'frame', NULL, 0, ?)`,
    )
    .run(source, Buffer.from('{}'))

describe('demo data in landing', () => {
  it('is found by the partial index of the demo payloads, never by reading all of landing', () => {
    const plan = db
      .prepare(`EXPLAIN QUERY PLAN ${HAS_DEMO_DATA_SQL}`)
      .all()
      .map((r) => (r as { detail: string }).detail)
    expect(plan).toContain('SCAN landing_payloads USING COVERING INDEX landing_payloads_demo')
  })

  it('says whether any payload came from the demo feed', () => {
    const hasDemo = hasDemoDataQuery(db)
    land('ws:device-1')
    expect(hasDemo()).toBe(false)
    land('demo')
    land('ws:device-2')
    expect(hasDemo()).toBe(true)
    db.prepare(`DELETE FROM landing_payloads WHERE source = 'demo'`).run()
    expect(hasDemo()).toBe(false)
  })
})
