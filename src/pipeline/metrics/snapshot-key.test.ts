import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_SETTINGS } from '../../shared/settings'
import { openDb, type Db } from '../db/open'
import { Engine } from '../engine'
import { GoldWriter } from '../gold/gold-writer'
import { connectEvent } from '../testing/connect-event'
import { tempDir } from '../testing/temp-db'
import { overviewQuery } from './overview'
import { QUIET_MS } from './seconds-window'
import { ingestFrame } from './testing/random-network'

// A whole second: events in the 999 ms before it are in gold's newest second.
const T = Date.UTC(2026, 0, 5, 12, 0, 0)
const connect = (device: string, ts: number) => connectEvent(`${device}-${ts}`, device, ts)

describe("the readers' rows kept between calls", () => {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  let goldDb: Db
  let gold: GoldWriter
  let reader: Db

  beforeEach(() => {
    dir = tempDir()
    // As in the app: the engine commits silver, gold folds it on a connection of its own that writes gold's
    // file alone.
    engine = Engine.open(dir.path('vigia.db'), { goldLagMs: 3_600_000, goldBatch: 1_000_000 })
    goldDb = openDb(dir.path('vigia.db'))
    gold = new GoldWriter(goldDb)
    reader = openDb(dir.path('vigia.db'), { readonly: true })
  })
  afterEach(() => {
    vi.restoreAllMocks()
    reader.close()
    goldDb.close()
    // Closed without settling: gold was folded by the other connection.
    engine.db.close()
    dir.remove()
  })

  it('drop them at a fold of gold that leaves its newest second where it was', () => {
    // Silver holds four devices' connects, in one second; gold folds the first two.
    ingestFrame(engine, [connect('d1', T - 900), connect('d2', T - 800)])
    const firstTwo = engine.db.prepare<[], number>('SELECT max(id) FROM silver_events').pluck().get()!
    ingestFrame(engine, [connect('d3', T - 500), connect('d4', T - 400)])
    gold.catchUp(firstTwo)
    const overview = overviewQuery(reader)
    const connected = () => overview(T, DEFAULT_SETTINGS).connections.connectedDevices
    let now = Date.now()
    vi.spyOn(Date, 'now').mockImplementation(() => now)
    expect(connected()).toBe(2)
    // Nothing committed for longer than QUIET_MS: the windows keep their rows between calls.
    now += QUIET_MS + 1
    expect(connected()).toBe(2)
    expect(connected()).toBe(2)
    // Gold folds the other two, on its own connection: its newest second stays, silver has no new commit.
    gold.catchUp()
    expect(connected()).toBe(4)
    expect(overview(T, DEFAULT_SETTINGS)).toEqual(overviewQuery(reader)(T, DEFAULT_SETTINGS))
  })
})
