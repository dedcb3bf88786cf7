// Gold trails silver in the app (its own thread) and with a lag: the metrics read gold and correct it with
// silver, and must answer as of what gold has folded. Each answer while silver holds rows gold has not
// folded equals the answer on a copy whose silver stops at gold's watermark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../shared/settings'
import { copyDatabase } from '../db/gold-file'
import { openDb, type Db } from '../db/open'
import { Engine } from '../engine'
import { tempDir } from '../testing/temp-db'
import { clientRowsQuery } from './client-table'
import { liveClientPageQuery, type LivePageView } from './client-page-live'
import { connectedHistoryQuery } from './connected-history'
import { overviewQuery } from './overview'
import { ingestFrame, lateFeed, randomEvents } from './testing/random-network'

const START = Date.UTC(2026, 0, 5)

/** Every answer a page asks at second `sec`. */
function answers(db: Db, sec: number) {
  const view: LivePageView = { sort: { column: 'bps', desc: true }, search: '', heavyOnly: false }
  return db.transaction(() => ({
    overview: overviewQuery(db)(sec * 1000, DEFAULT_SETTINGS),
    live: overviewQuery(db)(sec * 1000, DEFAULT_SETTINGS, true),
    connected: connectedHistoryQuery(db)([sec * 1000, (sec - 90) * 1000], DEFAULT_SETTINGS),
    clients: clientRowsQuery(db)(sec * 1000, 1),
    page: liveClientPageQuery(db)(sec, 1, view, 0, 50),
  }))()
}

describe('answers as of gold, while gold trails silver', () => {
  let dir: ReturnType<typeof tempDir>
  let trailing: Engine
  let cut: Db
  let anchor: number

  beforeAll(() => {
    dir = tempDir()
    // Late reports, roaming devices: events after gold's newest second and before it wait in silver.
    const events = lateFeed(
      randomEvents({
        seed: 3,
        start: START,
        minutes: 12,
        events: 6000,
        devices: 60,
        clients: 30,
        servers: 3,
      }),
      { seed: 1, jitter: 30, every: 50, heldBack: 1500 },
    )
    trailing = Engine.open(dir.path('trailing.db'), { goldLagMs: 3_600_000, goldBatch: 1_000_000 })
    const folded = 4000
    for (let i = 0; i < folded; i += 100) ingestFrame(trailing, events.slice(i, i + 100))
    trailing.settleGold()
    for (let i = folded; i < events.length; i += 100) ingestFrame(trailing, events.slice(i, i + 100))
    const db = trailing.db
    const watermark = db
      .prepare<[], number>(`SELECT last_id FROM pipeline_gold_watermarks WHERE stage = 'gold'`)
      .pluck()
      .get()!
    expect(db.prepare('SELECT count(*) FROM silver_events WHERE id > ?').pluck().get(watermark)).toBe(2000)
    anchor = db.prepare<[], number>('SELECT newest_sec FROM gold_live').pluck().get()!
    db.pragma('wal_checkpoint(TRUNCATE)')
    copyDatabase(dir.path('trailing.db'), dir.path('cut.db'))
    cut = openDb(dir.path('cut.db'))
    cut.prepare('DELETE FROM silver_events WHERE id > ?').run(watermark)
  })

  afterAll(() => {
    cut.close()
    trailing.db.close()
    dir.remove()
  })

  it.each([0, 1, 3, 30, 200])('%i s before gold’s newest second', (before) => {
    expect(answers(trailing.db, anchor - before)).toEqual(answers(cut, anchor - before))
  })
})
