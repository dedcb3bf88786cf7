// The devices' last_seen and minute_first_ts in the memory gold shares with the readers (shared-seen.ts) are
// the values of gold_devices a reader's own read transaction sees whenever they say they are: after every
// fold of a late and reordered feed, a fold that rolled back, a settings change, a rebuild, and not once gold
// has published again. The metrics that read those columns take them from there (db/device-seen.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../shared/settings'
import { readingSeen } from '../db/device-seen'
import { openDb, type Db } from '../db/open'
import { Engine } from '../engine'
import { idleMsOf } from '../metrics/connected-devices'
import { ingestFrame, nearlyInOrder, randomEvents } from '../metrics/testing/random-network'
import { goldNow } from '../testing/gold-now'
import { InlineGold } from '../testing/inline-gold'
import { lastSeenAnswers } from '../testing/last-seen-answers'
import { tempDir } from '../testing/temp-db'
import { SharedSeen, SharedSeenWriter } from './shared-seen'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

describe("the devices' last seen in shared memory", () => {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  let gold: InlineGold
  let reader: Db
  let writer: SharedSeenWriter
  let shared: SharedSeen
  let published: number

  beforeEach(() => {
    dir = tempDir()
    const path = dir.path('vigia.db')
    writer = new SharedSeenWriter()
    shared = new SharedSeen()
    shared.attach(writer.buffers)
    published = 0
    // As gold's thread and a reader's do (gold-worker.ts, reader-worker.ts), in one thread.
    gold = new InlineGold(path, undefined, ({ devices, epoch, watermark }) => {
      writer.publish(devices, epoch, watermark)
      published++
    })
    engine = Engine.open(path, { remoteGold: gold, goldLagMs: 0 })
    reader = openDb(path, { readonly: true })
  })
  afterEach(() => {
    reader.close()
    engine.close()
    gold.close()
    dir.remove()
  })

  const goldOf = () => goldNow(reader)

  /** In one read transaction: the rows' values, and the shared memory's for the same slots (null: not its). */
  const readerSees = () =>
    reader.transaction(() => {
      const { epoch, watermark } = goldOf()
      const rows = reader
        .prepare<[], [number, number, number | null]>(
          'SELECT slot, last_seen, minute_first_ts FROM gold_devices ORDER BY slot',
        )
        .raw()
        .all()
      const view = shared.open(epoch, watermark)
      const mirror =
        view && rows.map(([slot]) => [slot, view.lastSeen(slot, NaN), view.minuteFirst(slot, NaN)])
      const valid = view?.stillValid() ?? false
      view?.release()
      return { rows, mirror: valid ? mirror : null }
    })()

  const ingest = (events: Record<string, unknown>[]) => {
    ingestFrame(engine, events)
    engine.settleGold()
  }

  it('is the rows of the read transaction after every fold: late events, a rollback, a settings change, a rebuild', () => {
    const shape = { seed: 5, start: START, minutes: 9, events: 3000, devices: 60, clients: 20, servers: 3 }
    const events = nearlyInOrder(randomEvents(shape), 3, 150)
    const check = (when: string) => {
      const { rows, mirror } = readerSees()
      expect(rows.length, when).toBeGreaterThan(0)
      expect(mirror, when).toEqual(rows)
    }
    for (let i = 0; i < 1300; i += 100) {
      ingest(events.slice(i, i + 100))
      check(`after event ${i + 100}`)
    }
    // A view holds through any number of gold's commits while it is pinned; once released, its copy is
    // written again.
    const { epoch, watermark } = goldOf()
    const open = shared.open(epoch, watermark)!
    const held = open.lastSeen(0, NaN)
    for (let i = 1300; i < 1360; i += 20) ingest(events.slice(i, i + 20))
    expect(open.stillValid()).toBe(true)
    expect(open.lastSeen(0, NaN)).toBe(held)
    const second = shared.open(epoch, watermark)
    expect(second).not.toBeNull()
    second!.release()
    open.release()
    ingest(events.slice(1360, 1380))
    ingest(events.slice(1380, 1400))
    expect(shared.open(epoch, watermark)).toBeNull()
    // A slot the copy does not hold voids the view.
    const again = goldOf()
    const view = shared.open(again.epoch, again.watermark)!
    view.lastSeen(10_000_000, 0)
    expect(view.stillValid()).toBe(false)
    view.release()

    // A fold that fails rolls back: nothing is published, and the next commit publishes a whole copy, read
    // again from the table.
    gold.db.exec(`CREATE TEMP TRIGGER fail AFTER INSERT ON gold_servers WHEN NEW.server = 'boom'
      BEGIN SELECT RAISE(ABORT, 'the fold failed'); END`)
    const before = published
    expect(() =>
      ingest(events.slice(1400, 1500).map((e, i) => (i === 99 ? { ...e, server: 'boom' } : e))),
    ).toThrow('the fold failed')
    gold.db.exec('DROP TRIGGER fail')
    expect(published).toBe(before)
    ingest(events.slice(1500, 1600))
    check('after the rollback')

    // A settings change moves gold's epoch: the copy is not the reader's until gold's next commit.
    engine.updateSettings({ heavyThresholdMbps: 12 })
    expect(readerSees().mirror).toBeNull()
    ingest(events.slice(1600, 1700))
    check('after a settings change')

    // A rebuild starts gold again, slots and all, in a new epoch.
    engine.rebuild()
    check('after a rebuild')
    ingest(events.slice(1700))
    check('at the end')
  })

  it('writes each commit into a copy no reader reads, and says when every other one is read', () => {
    const mirror = new SharedSeenWriter()
    const reader = new SharedSeen()
    reader.attach(mirror.buffers)
    const copyOf = (entries: [number, number, number | null][]) => ({
      slots: Math.max(...entries.map((e) => e[0])) + 1,
      writeInto: (values: Float64Array) => {
        for (const [slot, last, first] of entries) {
          values[slot * 2] = last
          values[slot * 2 + 1] = first ?? NaN
        }
      },
    })
    const valuesAt = (watermark: number, slots: number[]) => {
      const view = reader.open(1, watermark)
      const values = view && slots.map((slot) => [view.lastSeen(slot, NaN), view.minuteFirst(slot, NaN)])
      view?.release()
      return values
    }
    expect(
      mirror.publish(
        copyOf([
          [0, 10, 5],
          [1, 20, null],
        ]),
        1,
        100,
      ),
    ).toBe(true)
    expect(valuesAt(100, [0, 1])).toEqual([
      [10, 5],
      [20, null],
    ])
    // Three readers hold the copies of 100, 101 and 102: gold's next commit finds the fourth.
    const pinned = [reader.open(1, 100)!]
    expect(
      mirror.publish(
        copyOf([
          [0, 11, 5],
          [1, 21, 21],
        ]),
        1,
        101,
      ),
    ).toBe(true)
    pinned.push(reader.open(1, 101)!)
    expect(
      mirror.publish(
        copyOf([
          [0, 12, 5],
          [1, 22, 21],
        ]),
        1,
        102,
      ),
    ).toBe(true)
    pinned.push(reader.open(1, 102)!)
    expect(
      mirror.publish(
        copyOf([
          [0, 13, 5],
          [1, 23, 21],
        ]),
        1,
        103,
      ),
    ).toBe(true)
    // Now every copy but the newest is read: the commit after finds none, and its gold is in no copy.
    expect(
      mirror.publish(
        copyOf([
          [0, 14, 5],
          [1, 24, 21],
        ]),
        1,
        104,
      ),
    ).toBe(false)
    expect(valuesAt(104, [0])).toBeNull()
    expect(pinned.map((view) => [view.lastSeen(0, NaN), view.stillValid()])).toEqual([
      [10, true],
      [11, true],
      [12, true],
    ])
    pinned.forEach((view) => view.release())
    expect(
      mirror.publish(
        copyOf([
          [0, 15, 5],
          [1, 25, 21],
        ]),
        1,
        105,
      ),
    ).toBe(true)
    expect(valuesAt(105, [0, 1])).toEqual([
      [15, 5],
      [25, 21],
    ])
    // No states in memory: nothing is written.
    expect(mirror.publish(null, 1, 106)).toBe(false)
    expect(valuesAt(105, [0])).toEqual([[15, 5]])
  })

  it("gives the metrics gold's last seen, whatever the rows say", () => {
    const shape = { seed: 13, start: START, minutes: 8, events: 2500, devices: 80, clients: 30, servers: 3 }
    ingest(nearlyInOrder(randomEvents(shape), 3, 100))
    const idle = idleMsOf(DEFAULT_SETTINGS.idleTimeoutMin)
    const answers = lastSeenAnswers(reader, idle)
    const withShared = () =>
      reader.transaction(() => {
        const { epoch, watermark } = goldOf()
        const view = shared.open(epoch, watermark)
        expect(view).not.toBeNull()
        const result = readingSeen(reader, view, answers)
        expect(view!.stillValid()).toBe(true)
        view!.release()
        return result
      })()
    const truth = answers()
    expect(truth.devices.some((d) => d.length > 0)).toBe(true)
    expect(withShared()).toEqual(truth)

    // The rows' last seen made wrong behind gold's back (gold neither folds nor publishes): what SQL reads
    // changes, what the metrics read through the shared memory does not.
    engine.db.exec('UPDATE gold.gold_devices SET last_seen = first_seen, minute_first_ts = NULL')
    expect(answers()).not.toEqual(truth)
    expect(withShared()).toEqual(truth)
  })
})
