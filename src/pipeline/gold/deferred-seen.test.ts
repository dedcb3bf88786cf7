// Gold's thread leaves a device's row unwritten when only its last seen moved (DeviceStates, deferSeen), and
// writes it once a minute, before another writer writes gold, or after a crash from silver (seen-replay.ts).
// Whatever the arrival order, its tables then equal those of a gold that wrote every row in every fold, and
// in between the readers answer the same from gold's shared memory, or from the rows and a replay.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { readingSeen } from '../db/device-seen'
import { openDb, type Db } from '../db/open'
import { Engine } from '../engine'
import { idleMsOf } from '../metrics/connected-devices'
import { ingestFrame, nearlyInOrder, randomEvents } from '../metrics/testing/random-network'
import { goldNow } from '../testing/gold-now'
import { InlineGold } from '../testing/inline-gold'
import { lastSeenAnswers } from '../testing/last-seen-answers'
import { tempDir } from '../testing/temp-db'
import { SEEN_BEHIND_SQL } from './seen-marker'
import { replayedSeenView } from './seen-replay'
import { SharedSeen, SharedSeenWriter } from './shared-seen'
import { goldTableNames } from './tables'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)
const SHAPE = { seed: 21, start: START, minutes: 9, events: 3000, devices: 60, clients: 20, servers: 3 }

/** An engine with gold folded beside it, as gold's thread folds it, writing every row or deferring. */
function pipeline(path: string, deferSeen: boolean, seen?: SharedSeenWriter) {
  const gold = new InlineGold(
    path,
    undefined,
    seen && (({ devices, epoch, watermark }) => void seen.publish(devices, epoch, watermark)),
    { deferSeen },
  )
  const engine = Engine.open(path, { remoteGold: gold, goldLagMs: 0 })
  return {
    gold,
    engine,
    ingest(events: Record<string, unknown>[]) {
      ingestFrame(engine, events)
      engine.settleGold()
    },
    close() {
      engine.close()
      gold.close()
    },
  }
}

/** Every gold table's rows, sorted, with the marker. */
function goldOf(db: Db) {
  const tables: Record<string, string[]> = {}
  for (const name of goldTableNames())
    tables[name] = db
      .prepare(`SELECT * FROM ${name}`)
      .raw()
      .all()
      .map((r) => JSON.stringify(r, (_, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)))
      .sort()
  return tables
}

const behind = (db: Db) => db.prepare<[], number>(`SELECT ${SEEN_BEHIND_SQL}`).pluck().get()!

describe('devices whose last seen alone moved, written once a minute', () => {
  let dir: ReturnType<typeof tempDir>
  let eager: ReturnType<typeof pipeline>
  let lazy: ReturnType<typeof pipeline>
  let writer: SharedSeenWriter
  const events = nearlyInOrder(randomEvents(SHAPE), 4, 150)

  beforeEach(() => {
    dir = tempDir()
    writer = new SharedSeenWriter()
    eager = pipeline(dir.path('eager.db'), false)
    lazy = pipeline(dir.path('lazy.db'), true, writer)
  })
  afterEach(() => {
    vi.useRealTimers()
    eager.close()
    lazy.close()
    dir.remove()
  })

  /** The events into both, in folds of 250. */
  const both = (slice: Record<string, unknown>[]) => {
    for (let i = 0; i < slice.length; i += 250) {
      eager.ingest(slice.slice(i, i + 250))
      lazy.ingest(slice.slice(i, i + 250))
    }
  }

  it('lags the rows between checkpoints, and then holds what a gold writing every row holds', () => {
    both(events.slice(0, 2000))
    // Most rows lag: the marker says since when, and the tables differ, in gold_devices alone.
    expect(behind(lazy.engine.db)).toBeGreaterThan(0)
    const lagging = goldOf(lazy.engine.db)
    const whole = goldOf(eager.engine.db)
    expect(lagging.gold_devices).not.toEqual(whole.gold_devices)
    for (const name of goldTableNames())
      if (name !== 'gold_devices') expect(lagging[name], name).toEqual(whole[name])

    lazy.gold.checkpoint()
    expect(behind(lazy.engine.db)).toBe(-1)
    expect(goldOf(lazy.engine.db)).toEqual(goldOf(eager.engine.db))

    // Another writer of gold (a settings change) pauses gold's folds: the rows are written first.
    both(events.slice(2000, 2500))
    expect(behind(lazy.engine.db)).toBeGreaterThan(0)
    lazy.engine.updateSettings({ heavyThresholdMbps: 12 })
    eager.engine.updateSettings({ heavyThresholdMbps: 12 })
    expect(behind(lazy.engine.db)).toBe(-1)
    both(events.slice(2500))
    lazy.gold.checkpoint()
    expect(goldOf(lazy.engine.db)).toEqual(goldOf(eager.engine.db))
  })

  it('writes a row in the first fold a minute after it began to lag, the marker following the oldest', () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const watermark = () => lazy.gold.watermark()
    both(events.slice(0, 1000))
    const first = behind(lazy.engine.db)
    expect(first).toBeGreaterThan(0)
    vi.setSystemTime(Date.now() + 30_000)
    both(events.slice(1000, 1500))
    expect(behind(lazy.engine.db)).toBe(first)
    // A minute after the first rows began to lag, every one that lags since then is written.
    vi.setSystemTime(Date.now() + 31_000)
    const before = watermark()
    both(events.slice(1500, 1750))
    const later = behind(lazy.engine.db)
    expect(later).toBeGreaterThan(first)
    expect(later).toBeLessThan(before)
    // A minute later still: only what the last fold left lags.
    vi.setSystemTime(Date.now() + 60_000)
    const last = watermark()
    both(events.slice(1750, 2000))
    expect(behind(lazy.engine.db)).toBe(last)
    lazy.gold.checkpoint()
    expect(goldOf(lazy.engine.db)).toEqual(goldOf(eager.engine.db))
  })

  it('replays what the rows lacked after a crash, and after a fold that failed', () => {
    both(events.slice(0, 1500))
    expect(behind(lazy.engine.db)).toBeGreaterThan(0)
    // A crash: gold's memory is gone, nothing was written since the marker.
    lazy.close()
    lazy = pipeline(dir.path('lazy.db'), true, writer)
    expect(behind(lazy.engine.db)).toBe(-1)
    expect(goldOf(lazy.engine.db)).toEqual(goldOf(eager.engine.db))

    // A fold that fails rolls back, and gold forgets its memory: the next fold replays what the rows lack.
    both(events.slice(1500, 2000))
    expect(behind(lazy.engine.db)).toBeGreaterThan(0)
    lazy.gold.db.exec(`CREATE TEMP TRIGGER fail AFTER INSERT ON gold_servers WHEN NEW.server = 'boom'
      BEGIN SELECT RAISE(ABORT, 'the fold failed'); END`)
    const failing = events.slice(2000, 2100).map((e, i) => (i === 99 ? { ...e, server: 'boom' } : e))
    expect(() => lazy.ingest(failing)).toThrow('the fold failed')
    lazy.gold.db.exec('DROP TRIGGER fail')
    eager.ingest(failing)
    both(events.slice(2100))
    lazy.gold.checkpoint()
    expect(goldOf(lazy.engine.db)).toEqual(goldOf(eager.engine.db))
  })

  it('answers as a gold writing every row does: from shared memory, or from the rows and a replay', () => {
    both(events.slice(0, 2600))
    expect(behind(lazy.engine.db)).toBeGreaterThan(0)
    const shared = new SharedSeen()
    shared.attach(writer.buffers)
    // A short idle timeout: a lagging last seen falls out of it.
    const idle = idleMsOf(1)
    const eagerReader = openDb(dir.path('eager.db'), { readonly: true })
    const lazyReader = openDb(dir.path('lazy.db'), { readonly: true })
    try {
      const truth = lastSeenAnswers(eagerReader, idle)()
      expect(truth.devices.some((d) => d.length > 0)).toBe(true)
      const lazyAnswers = lastSeenAnswers(lazyReader, idle)
      // The rows alone lag: some answer differs.
      expect(lazyAnswers()).not.toEqual(truth)
      const fromShared = lazyReader.transaction(() => {
        const { epoch, watermark } = goldNow(lazyReader)
        const view = shared.open(epoch, watermark)
        expect(view).not.toBeNull()
        try {
          return readingSeen(lazyReader, view, lazyAnswers)
        } finally {
          view!.release()
        }
      })()
      expect(fromShared).toEqual(truth)
      const fromReplay = lazyReader.transaction(() =>
        readingSeen(lazyReader, replayedSeenView(lazyReader), lazyAnswers),
      )()
      expect(fromReplay).toEqual(truth)
    } finally {
      eagerReader.close()
      lazyReader.close()
    }
  })
})
