// Gold trails silver in the app (its own thread) and with a lag: the metrics read gold and correct it with
// silver, and must answer as of what gold has folded. Each answer while silver holds rows gold has not
// folded equals the answer on a copy whose silver stops at gold's watermark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../shared/settings'
import type { Db } from '../db/open'
import { tempDir } from '../testing/temp-db'
import { trailingGold, type TrailingGold } from '../testing/trailing-gold'
import { clientRowsQuery } from './client-table'
import { liveClientPageQuery, type LivePageView } from './client-page-live'
import { connectedHistoryQuery } from './connected-history'
import { overviewQuery } from './overview'

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
  let gold: TrailingGold

  beforeAll(() => {
    dir = tempDir()
    gold = trailingGold(dir)
  })

  afterAll(() => {
    gold.close()
    dir.remove()
  })

  it.each([0, 1, 3, 30, 200])('%i s before gold’s newest second', (before) => {
    const sec = gold.anchor - before
    expect(answers(gold.trailing.db, sec)).toEqual(answers(gold.cut, sec))
  })
})
