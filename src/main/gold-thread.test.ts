// Gold on a thread of its own (gold-worker.ts), driven as the engine's worker drives it: the engine in this
// thread hands it what it commits and waits for it through shared memory.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../pipeline/engine'
import { ingestShuffled, randomEvents } from '../pipeline/metrics/testing/random-network'
import { sortedRows, tablesLike } from '../pipeline/testing/batches'
import { tempDir } from '../pipeline/testing/temp-db'
import type { Db } from '../pipeline/db/open'
import { Watermarks } from '../pipeline/watermarks'
import type { EventSpan } from '../shared/api'
import { GoldThread } from './gold-thread'

const START = Date.UTC(2026, 11, 6, 10, 0, 0)
const SHAPE = { seed: 23, start: START, minutes: 10, events: 6000, devices: 120, clients: 40, servers: 4 }

const goldRows = (db: Db) =>
  Object.fromEntries(tablesLike(db, 'gold_%').map((name) => [name, sortedRows(db, `SELECT * FROM ${name}`)]))
const behind = (engine: Engine) =>
  (engine.db.prepare<[], number | null>('SELECT max(id) FROM silver_events').pluck().get() ?? 0) -
  engine.db
    .prepare<[], number>(`SELECT last_id FROM pipeline_gold_watermarks WHERE stage = 'gold'`)
    .pluck()
    .get()!

describe("gold's thread", () => {
  let dir: ReturnType<typeof tempDir>
  let gold: GoldThread | undefined
  /** Exits of gold's thread that nobody asked for. */
  const exits: number[] = []
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(async () => {
    await gold?.stop()
    expect(exits).toEqual([])
    dir.remove()
  })

  const start = async (name: string, maxBehind?: number) => {
    const path = dir.path(name)
    Engine.open(path).close()
    const spans: (EventSpan | null)[] = []
    gold = await GoldThread.start(path, {
      onFolded: (span) => spans.push(span),
      onExit: (code) => exits.push(code),
      ...(maxBehind === undefined ? {} : { maxBehind }),
    })
    // With the lag the app's engine is given (which gold folded elsewhere makes moot).
    return { engine: Engine.open(path, { remoteGold: gold, goldLagMs: 200 }), spans }
  }

  it('folds what the engine commits into the same gold as an engine folding it itself, and says when', async () => {
    const events = randomEvents(SHAPE)
    const reference = Engine.open(dir.path('reference.db'))
    ingestShuffled(reference, events, 4)
    const expected = goldRows(reference.db)
    const judged = new Watermarks(reference.db).get('alerts')
    reference.close()

    const { engine, spans } = await start('threaded.db')
    ingestShuffled(engine, events, 4)
    engine.settleGold()
    expect(behind(engine)).toBe(0)
    // The alert rules judged the same minutes, from gold.
    expect(judged).toBeGreaterThan(0)
    expect(new Watermarks(engine.db).get('alerts')).toBe(judged)
    // The devices' rows whose last seen alone moved lag it (gold's thread writes them once a minute): an
    // engine opened on the file replays them from silver, as after a crash.
    const reopened = Engine.open(dir.path('threaded.db'))
    expect(goldRows(reopened.db)).toEqual(expected)
    reopened.close()
    // Its folds reach the engine's event loop with their event time.
    await new Promise((resolve) => setTimeout(resolve, 50))
    const folded = spans.filter((s): s is EventSpan => s !== null)
    expect(folded.length).toBeGreaterThan(0)
    expect(Math.min(...folded.map((s) => s.from))).toBeLessThanOrEqual(START + 60_000)
    engine.close()
  })

  it('holds the engine back when gold trails by more than it allows, and pauses for what writes gold', async () => {
    const { engine } = await start('slow.db', 300)
    const events = randomEvents({ ...SHAPE, events: 3000 })
    for (let i = 0; i < events.length; i += 100) {
      ingestShuffled(engine, events.slice(i, i + 100), i, 100)
      // A frame of 100 more than the bound waits until gold is within half of it.
      expect(behind(engine)).toBeLessThanOrEqual(300)
    }
    engine.applyRetention(START + 3 * 86_400_000)
    engine.updateSettings({ idleTimeoutMin: 12 })
    expect(behind(engine)).toBe(0)
    engine.close()
  })
})
