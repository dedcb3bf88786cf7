import { describe, expect, it } from 'vitest'
import { freshDbEachTest, queryPlan } from '../testing/fresh-db'
import { HAS_DEMO_DATA_SQL, hasDemoDataQuery } from './demo-data'

const db = freshDbEachTest()

const land = (source: string) =>
  db()
    .prepare(
      `INSERT INTO landing_payloads (source, kind, seq, received_at, bytes) VALUES (?, 'frame', NULL, 0, ?)`,
    )
    .run(source, Buffer.from('{}'))

describe('demo data in landing', () => {
  it('is found by the partial index of the demo payloads, never by reading all of landing', () => {
    expect(queryPlan(db(), HAS_DEMO_DATA_SQL)).toContain(
      'SCAN landing_payloads USING COVERING INDEX landing_payloads_demo',
    )
  })

  it('says whether any payload came from the demo feed', () => {
    const hasDemo = hasDemoDataQuery(db())
    land('ws:device-1')
    expect(hasDemo()).toBe(false)
    land('demo')
    land('ws:device-2')
    expect(hasDemo()).toBe(true)
    db().prepare(`DELETE FROM landing_payloads WHERE source = 'demo'`).run()
    expect(hasDemo()).toBe(false)
  })
})
