// The clients' rows in the memory gold shares with the readers (shared-clients.ts) are the rows of
// gold_clients a reader's own read transaction sees whenever they say they are: after every fold of a late
// and reordered feed, a fold that rolled back, a settings change, a rebuild, for a reader that joins late,
// and not once gold has published again. The heavy share counts the same from them as from SQL.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_SETTINGS } from '../../shared/settings'
import { openDb, type Db } from '../db/open'
import { Engine } from '../engine'
import { CLIENT_COLUMNS } from './client-states'
import { SharedClients, SharedClientsWriter, type ClientNames } from './shared-clients'
import { goldNow } from '../testing/gold-now'
import { InlineGold } from '../testing/inline-gold'
import { sharedRowsOf } from '../testing/shared-client-rows'
import { tempDir } from '../testing/temp-db'
import { idleMsOf } from '../metrics/connected-devices'
import { heavyClientsMetric } from '../metrics/heavy-clients'
import { liveNewestSecondQuery } from '../metrics/live'
import { QUIET_MS } from '../metrics/seconds-window'
import { ingestFrame, nearlyInOrder, randomEvents } from '../metrics/testing/random-network'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

describe("the clients' rows in shared memory", () => {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  let gold: InlineGold
  let reader: Db
  let writer: SharedClientsWriter
  let shared: SharedClients
  let sent: ClientNames[]
  let asked: number

  beforeEach(() => {
    dir = tempDir()
    const path = dir.path('vigia.db')
    writer = new SharedClientsWriter()
    shared = new SharedClients()
    shared.attach(writer.buffers)
    sent = []
    asked = 0
    // As gold's thread and a reader's do (gold-worker.ts, reader-worker.ts), in one thread.
    gold = new InlineGold(path, undefined, ({ clients, epoch, watermark }) => {
      const names = writer.publish(clients, epoch, watermark)
      if (!names) return
      sent.push(names)
      if (!shared.addNames(names)) {
        asked++
        gold.resendShared()
      }
    })
    engine = Engine.open(path, { remoteGold: gold, goldLagMs: 0 })
    reader = openDb(path, { readonly: true })
  })
  afterEach(() => {
    vi.useRealTimers()
    reader.close()
    engine.close()
    gold.close()
    dir.remove()
  })

  /** The reader's read transaction: gold's epoch and watermark, and gold_clients' rows, sorted. */
  const readerSees = () =>
    reader.transaction(() => {
      const gold = goldNow(reader)
      const rows = reader
        .prepare(`SELECT ${CLIENT_COLUMNS.join(', ')} FROM gold_clients`)
        .raw()
        .all()
      return { ...gold, rows: rows.map((r) => JSON.stringify(r)).sort() }
    })()

  /** The shared rows for that transaction, sorted; null when they say they are not its. */
  const mirrorOf = ({ epoch, watermark }: { epoch: number; watermark: number }) => {
    const view = shared.open(epoch, watermark)
    return view ? sharedRowsOf(view) : null
  }

  const ingest = (events: Record<string, unknown>[]) => {
    ingestFrame(engine, events)
    engine.settleGold()
  }

  it('is the rows of the read transaction after every fold: late events, a rollback, a settings change, a rebuild', () => {
    const shape = { seed: 7, start: START, minutes: 9, events: 3000, devices: 60, clients: 20, servers: 3 }
    const events = nearlyInOrder(randomEvents(shape), 3, 150)
    const check = (when: string) => {
      const seen = readerSees()
      expect(seen.rows.length, when).toBeGreaterThan(0)
      expect(mirrorOf(seen), when).toEqual(seen.rows)
    }
    for (let i = 0; i < 1300; i += 100) {
      ingest(events.slice(i, i + 100))
      check(`after event ${i + 100}`)
    }
    // Names come once: the first commit's all, then the clients each commit named first.
    expect(sent[0]!.firstSlot).toBe(0)
    const generation = sent[0]!.generation
    expect(new Set(sent.map((n) => n.generation))).toEqual(new Set([generation]))
    // Gold publishing again voids a view opened before.
    const open = shared.open(readerSees().epoch, readerSees().watermark)!
    expect(open.stillValid()).toBe(true)
    ingest(events.slice(1300, 1400))
    expect(open.stillValid()).toBe(false)

    // A read transaction that began before gold's last commit is not the copy's.
    reader.exec('BEGIN')
    try {
      const older = readerSees()
      ingest(events.slice(1400, 1500))
      expect(readerSees().watermark).toBe(older.watermark)
      expect(mirrorOf(older)).toBeNull()
    } finally {
      reader.exec('COMMIT')
    }
    check('after the read transaction')

    // A fold that fails after it wrote clients' rows rolls back: nothing is sent, and the next commit
    // sends a whole copy, read again from the table.
    gold.db.exec(`CREATE TEMP TRIGGER fail AFTER INSERT ON gold_servers WHEN NEW.server = 'boom'
      BEGIN SELECT RAISE(ABORT, 'the fold failed'); END`)
    const before = sent.length
    expect(() =>
      ingest(events.slice(1500, 1600).map((e, i) => (i === 99 ? { ...e, server: 'boom' } : e))),
    ).toThrow('the fold failed')
    gold.db.exec('DROP TRIGGER fail')
    expect(sent).toHaveLength(before)
    ingest(events.slice(1600, 1700))
    // The rows were read again: a generation of their own, its names from the first slot.
    expect(sent.at(-1)).toMatchObject({ generation: generation + 1, firstSlot: 0 })
    check('after the rollback')

    // A settings change moves gold's epoch: the copy is not the reader's until gold's next commit.
    const epoch = readerSees().epoch
    engine.updateSettings({ heavyThresholdMbps: 12 })
    expect(readerSees().epoch).toBe(epoch + 1)
    expect(mirrorOf(readerSees())).toBeNull()
    ingest(events.slice(1700, 1800))
    check('after a settings change')

    // A rebuild starts gold's watermark again from 0, in a new epoch.
    engine.rebuild()
    check('after a rebuild')
    ingest(events.slice(1800))
    check('at the end')
    expect(asked).toBe(0)
  })

  it('asks for every name when it starts after gold, and has them with the next commit', () => {
    const shape = { seed: 9, start: START, minutes: 5, events: 800, devices: 30, clients: 10, servers: 2 }
    const events = randomEvents(shape)
    ingest(events.slice(0, 400))
    // A reader started now: the names it gets do not follow any it has.
    shared = new SharedClients()
    shared.attach(writer.buffers)
    ingest(
      // Clients it never heard of.
      events.slice(400, 500).map((e) => (e.client ? { ...e, client: `new-${e.client as string}` } : e)),
    )
    expect(asked).toBe(1)
    expect(mirrorOf(readerSees())).toBeNull()
    ingest(events.slice(500))
    expect(sent.at(-1)!.firstSlot).toBe(0)
    expect(mirrorOf(readerSees())).toEqual(readerSees().rows)

    // Gold's thread started again (an engine started again), with memory of its own: until its names come,
    // its rows are not read with the names the reader has (its generation is not theirs).
    const again = new SharedClientsWriter()
    writer = again
    shared.attach(again.buffers)
    const kept = shared.addNames
    shared.addNames = () => true
    ingest(
      randomEvents({ ...shape, seed: 10, start: START + 6 * 60_000, events: 200 }).map((e) => ({
        ...e,
        id: `again-${e.id as string}`,
      })),
    )
    expect(mirrorOf(readerSees())).toBeNull()
    shared.addNames = kept
  })

  it("gives the heavy share the counts SQL gives, near gold's newest second and in the cache after it", () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const shape = { seed: 11, start: START, minutes: 8, events: 2500, devices: 80, clients: 30, servers: 3 }
    ingest(randomEvents(shape))
    const seen = readerSees()
    let asked = 0
    const fromMirror = heavyClientsMetric(reader, {
      clientsNow: () => {
        asked++
        return shared.open(seen.epoch, seen.watermark)
      },
    })
    const fromSql = heavyClientsMetric(reader, { liveCache: false })
    expect(shared.open(seen.epoch, seen.watermark)).not.toBeNull()
    const idle = idleMsOf(DEFAULT_SETTINGS.idleTimeoutMin)
    const n = liveNewestSecondQuery(reader)()!
    // Thresholds around the clients' rates at N, so that some clients are heavy and some not.
    const rates = reader
      .prepare<[], number>('SELECT window_bytes * 8.0 / 300 FROM gold_clients WHERE window_bytes > 0')
      .pluck()
      .all()
      .sort((a, b) => a - b)
    const thresholds = [
      0,
      rates[Math.floor(rates.length / 4)]! / 1e6,
      rates[Math.floor(rates.length / 2)]! / 1e6,
    ]
    // A snapshot just committed, near gold's newest second N: counted over the copy where the statement
    // reads every row, before and after N (before it, less the seconds after T, and without the clients
    // events after T changed).
    const answers = []
    for (const t of [n - 4, n - 2, n - 1, n, n + 1, n + 5])
      for (const mbps of thresholds) {
        const answer = fromSql(t, idle, mbps)
        expect(fromMirror(t, idle, mbps), `${t - n} s, ${mbps}`).toEqual(answer)
        answers.push(answer)
      }
    // Some clients heavy and some not: the threshold tells them apart.
    expect(answers.some((a) => a.heavyClients > 0 && a.heavyClients < a.connectedClients)).toBe(true)
    expect(asked).toBeGreaterThanOrEqual(6 * 3)
    asked = 0
    // The cache keeps rows once nothing was committed for QUIET_MS.
    vi.setSystemTime(Date.now() + QUIET_MS)
    for (const after of [1, 30, 200, 299])
      for (const mbps of thresholds)
        expect(fromMirror(n + after, idle, mbps), `${after} s, ${mbps}`).toEqual(
          fromSql(n + after, idle, mbps),
        )
    // The cache read the clients once for the snapshot, from the copy.
    expect(asked).toBe(1)
  })
})
