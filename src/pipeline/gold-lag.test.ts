// Gold behind the acknowledgement (EngineOptions.goldLagMs), or folded elsewhere (EngineOptions.remoteGold,
// on a connection of its own): a flush commits silver, and gold folds the accepted events later, in batches
// of its own. Once settled, every gold table is what an engine folding gold in each flush holds, whatever
// happened in between: a rollback, another writer, a crash, a rebuild.
import { copyFileSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Engine, type EngineOptions, type IncomingFrame } from './engine'
import { writeDataset } from './simulator'
import { sortedRows, tablesLike } from './testing/batches'
import { InlineGold } from './testing/inline-gold'
import { frame, tempDir } from './testing/temp-db'

const EVENTS = 12_000
const FRAME_EVENTS = 50
const FRAMES_PER_FLUSH = 10
/** Long enough that nothing folds on time during a test: only the batch bound or a settle fold. */
const LONG_LAG = 3_600_000

/** Every gold table and the alerts, rows sorted; and silver's events without their ids. */
function dump(engine: Engine) {
  const rows = (sql: string) => sortedRows(engine.db, sql)
  return {
    silver_events: rows(`SELECT event_id, ts, type, device, bytes_down, bytes_up, bytes FROM silver_events`),
    alerts: rows(`SELECT rule, subject, state, since, fired_at, value, phase, historical FROM alerts`),
    ...Object.fromEntries(
      tablesLike(engine.db, 'gold_%').map((name) => [name, rows(`SELECT * FROM ${name}`)]),
    ),
  }
}

const watermark = (engine: Engine, stage: 'gold') =>
  engine.db
    .prepare<[string], number>('SELECT last_id FROM pipeline_gold_watermarks WHERE stage = ?')
    .pluck()
    .get(stage)!
const silverCount = (engine: Engine) =>
  engine.db.prepare<[], number>('SELECT count(*) FROM silver_events').pluck().get()!
const lastSilverId = (engine: Engine) =>
  engine.db.prepare<[], number | null>('SELECT max(id) FROM silver_events').pluck().get() ?? 0

describe('gold behind the acknowledgement', () => {
  let dir: ReturnType<typeof tempDir>
  let flushes: IncomingFrame[][]
  /** What an engine folding gold in each flush holds after all the flushes. */
  let expected: ReturnType<typeof dump>
  let expectedResults: unknown[]
  let run = 0

  const open = (options: EngineOptions = {}) => Engine.open(dir.path(`${++run}.db`), options)
  const ingestAll = (engine: Engine, from = 0, to = flushes.length) =>
    flushes.slice(from, to).flatMap((f) => engine.ingestFrames(f).map(({ landingId: _, ...r }) => r))

  beforeAll(async () => {
    dir = tempDir()
    const file = dir.path('feed.ndjson')
    // Some bad records and repeated ids, so that every flush has rejects and duplicates to report.
    await writeDataset({
      path: file,
      events: EVENTS,
      simulation: {
        seed: 7,
        servers: 3,
        devices: 300,
        rate: 200,
        start: Date.UTC(2026, 0, 5),
        badShare: 0.02,
      },
    })
    const lines = readFileSync(file, 'utf8').trim().split('\n')
    const withRepeats = lines.flatMap((line, i) => (i % 97 === 0 ? [line, line] : [line]))
    const frames: IncomingFrame[] = []
    for (let i = 0; i < withRepeats.length; i += FRAME_EVENTS)
      frames.push(frame(withRepeats.slice(i, i + FRAME_EVENTS).join('\n'), String(i), Date.UTC(2026, 0, 6)))
    flushes = []
    for (let i = 0; i < frames.length; i += FRAMES_PER_FLUSH)
      flushes.push(frames.slice(i, i + FRAMES_PER_FLUSH))

    const reference = open()
    expectedResults = ingestAll(reference)
    expected = dump(reference)
    reference.close()
  })
  afterAll(() => dir.remove())

  it('acknowledges the same outcomes from silver, keeps gold behind until it settles, then holds the same gold', () => {
    const engine = open({ goldLagMs: LONG_LAG, goldBatch: 1_000_000 })
    expect(ingestAll(engine)).toEqual(expectedResults)
    expect(silverCount(engine)).toBe(expected.silver_events.length)
    expect(watermark(engine, 'gold')).toBe(0)
    expect(engine.db.prepare('SELECT count(*) AS n FROM gold_usage_second').get()).toEqual({ n: 0 })
    // Not due yet: the oldest event waited less than the lag.
    expect(engine.foldDueGold()).toBe(0)
    // The rules read gold: they wait for it.
    expect(engine.evaluateAlerts()).toBe(0)

    expect(engine.settleGold()).toBe(expected.silver_events.length)
    expect(watermark(engine, 'gold')).toBe(lastSilverId(engine))
    expect(dump(engine)).toEqual(expected)
    engine.close()
  })

  it('folds once the oldest pending event has waited the lag', () => {
    const engine = open({ goldLagMs: 200 })
    const started = Date.now()
    ingestAll(engine, 0, 3)
    const silverId = lastSilverId(engine)
    expect(engine.foldDueGold(started + 199)).toBe(0)
    expect(engine.foldDueGold(Date.now() + 200)).toBeGreaterThan(0)
    expect(watermark(engine, 'gold')).toBe(silverId)
    expect(engine.foldDueGold(Date.now() + 1000)).toBe(0)
    ingestAll(engine, 3)
    engine.settleGold()
    expect(dump(engine)).toEqual(expected)
    engine.close()
  })

  it('never leaves more than a batch waiting: a flush that reaches it folds before it returns', () => {
    const goldBatch = 1_200
    const engine = open({ goldLagMs: LONG_LAG, goldBatch })
    let folds = 0
    for (const f of flushes) {
      const before = watermark(engine, 'gold')
      engine.ingestFrames(f)
      if (watermark(engine, 'gold') !== before) folds++
      expect(lastSilverId(engine) - watermark(engine, 'gold')).toBeLessThan(goldBatch)
    }
    expect(folds).toBeGreaterThan(5)
    engine.settleGold()
    expect(dump(engine)).toEqual(expected)
    engine.close()
  })

  it('reads gold back from silver after a rollback and after another writer committed', () => {
    const engine = open({ goldLagMs: LONG_LAG })
    ingestAll(engine, 0, 5)
    // A record naming a chunk never landed: the flush's transaction rolls back.
    expect(() =>
      engine.landFileBatch(
        {
          chunks: [
            {
              index: 0,
              payload: {
                source: 'file:x',
                kind: 'file-chunk',
                seq: '0',
                receivedAt: 0,
                bytes: new Uint8Array(),
                error: null,
              },
            },
          ],
          records: [{ chunk: 9, line: 1, format: 'json', raw: '{}' }],
          receivedAt: 0,
        },
        new Map(),
      ),
    ).toThrow(/never landed/)
    ingestAll(engine, 5, 10)
    // Another connection writes (a `vigia import` while the app runs): it folds the rows this engine kept
    // for gold itself, along with its own.
    const other = Engine.open(dir.path(`${run}.db`))
    ingestAll(other, 10, 15)
    expect(watermark(other, 'gold')).toBe(lastSilverId(other))
    other.close()
    ingestAll(engine, 15)
    engine.settleGold()
    expect(dump(engine)).toEqual(expected)
    engine.close()
  })

  it('catches gold up from its watermark after a crash lost the rows waiting for it, and a rebuild agrees', () => {
    const path = dir.path(`${++run}.db`)
    const crashed = Engine.open(path, { goldLagMs: LONG_LAG, goldBatch: 1_650 })
    ingestAll(crashed, 0, 18)
    const behind = watermark(crashed, 'gold')
    expect(behind).toBeGreaterThan(0)
    expect(behind).toBeLessThan(lastSilverId(crashed))
    // The process dies: the connection goes without a settle.
    crashed.db.close()

    const restarted = Engine.open(path, { goldLagMs: LONG_LAG, goldBatch: 1_650 })
    // Gold trails silver by rows not in memory: due at once.
    expect(restarted.foldDueGold()).toBeGreaterThan(0)
    expect(watermark(restarted, 'gold')).toBe(lastSilverId(restarted))
    ingestAll(restarted, 18)
    restarted.close()

    const reopened = Engine.open(path)
    expect(dump(reopened)).toEqual(expected)
    reopened.close()
    copyFileSync(path, dir.path('rebuilt.db'))
    const rebuilt = Engine.open(dir.path('rebuilt.db'), { goldLagMs: LONG_LAG })
    rebuilt.rebuild()
    expect(dump(rebuilt)).toEqual(expected)
    rebuilt.close()
  })

  it('settles gold before retention, a settings change and close', () => {
    const engine = open({ goldLagMs: LONG_LAG })
    ingestAll(engine, 0, 4)
    engine.applyRetention(Date.UTC(2026, 0, 6))
    expect(watermark(engine, 'gold')).toBe(lastSilverId(engine))
    ingestAll(engine, 4, 8)
    engine.updateSettings({ idleTimeoutMin: 15 })
    expect(watermark(engine, 'gold')).toBe(lastSilverId(engine))
    ingestAll(engine, 8)
    const path = dir.path(`${run}.db`)
    engine.close()
    const reopened = Engine.open(path)
    expect(watermark(reopened, 'gold')).toBe(lastSilverId(reopened))
    reopened.close()
  })

  describe('folded elsewhere, on a connection of its own', () => {
    /** An engine whose gold folds on a second connection to the same file, handed its rows in `batch`es. */
    const remote = (batch?: number) => {
      const path = dir.path(`${++run}.db`)
      const engine = Engine.open(path)
      engine.close()
      const gold = new InlineGold(path, batch)
      // With a lag too, as the app's engine is given one (which gold folded elsewhere makes moot).
      return { engine: Engine.open(path, { remoteGold: gold, goldLagMs: 200 }), gold, path }
    }

    it('acknowledges the same outcomes while gold trails, and holds the same gold once settled', () => {
      const { engine, gold } = remote(700)
      expect(ingestAll(engine)).toEqual(expectedResults)
      expect(watermark(engine, 'gold')).toBe(0)
      // Gold elsewhere: a flush never folds it, only a settle waits for it.
      expect(engine.foldDueGold()).toBe(0)
      expect(engine.settleGold()).toBe(lastSilverId(engine))
      expect(dump(engine)).toEqual(expected)
      engine.close()
      gold.close()
    })

    it('reads from silver the rows it was never handed (a crash, another writer), in the same order', () => {
      const { engine, gold, path } = remote()
      ingestAll(engine, 0, 6)
      gold.settle(lastSilverId(engine))
      ingestAll(engine, 6, 12)
      // Gold's thread dies with what it was handed: a new one starts from its watermark.
      gold.close()
      const other = Engine.open(path)
      ingestAll(other, 12, 15)
      other.db.close()
      const again = new InlineGold(path)
      const restarted = Engine.open(path, { remoteGold: again })
      ingestAll(restarted, 15)
      restarted.settleGold()
      expect(dump(restarted)).toEqual(expected)
      restarted.close()
      again.close()
      engine.db.close()
    })

    it("pauses for a rebuild, retention and a settings change, which write gold on the engine's connection", () => {
      const { engine, gold } = remote()
      ingestAll(engine, 0, 4)
      engine.applyRetention(Date.UTC(2026, 0, 6))
      expect(watermark(engine, 'gold')).toBe(lastSilverId(engine))
      ingestAll(engine, 4, 8)
      const idle = engine.settings.get().idleTimeoutMin ?? 30
      // Another idle timeout counts the connected devices per second again, on the engine's connection.
      engine.updateSettings({ idleTimeoutMin: idle + 10 })
      engine.updateSettings({ idleTimeoutMin: idle })
      ingestAll(engine, 8)
      engine.settleGold()
      expect(dump(engine)).toEqual(expected)
      // Silver's ids start again from 1: gold must not take what it kept for old rows of the same ids.
      engine.rebuild()
      expect(watermark(engine, 'gold')).toBe(lastSilverId(engine))
      expect(dump(engine)).toEqual(expected)
      engine.close()
      gold.close()
    })
  })
})
