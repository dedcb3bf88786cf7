import type { Worker } from 'node:worker_threads'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../pipeline/db/open'
import { Engine } from '../pipeline/engine'
import { clientRowsQuery, pageOf } from '../pipeline/metrics/client-table'
import { connectedHistoryQuery } from '../pipeline/metrics/connected-history'
import { overviewQuery } from '../pipeline/metrics/overview'
import { seriesQuery } from '../pipeline/metrics/series'
import { frame, tempDir } from '../pipeline/testing/temp-db'
import { trailingGold } from '../pipeline/testing/trailing-gold'
import { pipelineSettings } from '../shared/settings'
import { ReaderHost } from './reader-host'
import { spawnWorker } from './worker-client'

const T = Date.UTC(2024, 5, 1, 12, 0, 0)
const settings = pipelineSettings.parse({})

/** Two servers, three clients, connects and a few minutes of usage before T. */
function seed(path: string): void {
  const engine = Engine.open(path)
  const events: object[] = []
  let id = 0
  for (const [server, device, client, plan] of [
    ['ap-1', 'd1', 'alice', 100],
    ['ap-1', 'd2', 'bob', 20],
    ['ap-2', 'd3', 'carol', 500],
  ] as const) {
    events.push({ id: `e${++id}`, type: 'connect', ts: T - 600_000, server, device, client, plan_mbps: plan })
    for (let s = 1; s <= 240; s += 7) {
      const bytes = Math.round((plan * 1e6 * 7) / 8 / (client === 'bob' ? 1 : 3))
      events.push({
        id: `e${++id}`,
        type: 'usage',
        ts: T - s * 1000,
        server,
        device,
        client,
        bytes_down: bytes,
        bytes_up: 0,
      })
    }
  }
  events.push({ id: 'f1', type: 'flow', ts: T - 5000, device: 'd1', peer: 'd3', bytes: 1000 })
  const [result] = engine.ingestFrames([frame(events.map((e) => JSON.stringify(e)).join('\n'))])
  expect(result!.rejects).toEqual([])
  engine.close()
}

describe('the reader in its worker thread', () => {
  let dir: ReturnType<typeof tempDir>
  let path: string
  let host: ReaderHost | undefined
  let direct: Db | undefined

  beforeEach(() => {
    dir = tempDir()
    path = dir.path('vigia.db')
    seed(path)
  })
  afterEach(async () => {
    await host?.stop()
    host = undefined
    direct?.close()
    direct = undefined
    dir.remove()
  })

  it('answers overview, series and client pages with the same values as the queries on the same database', async () => {
    host = await ReaderHost.start(path)
    direct = openDb(path, { readonly: true })

    const overview = await host.call('overview', T, settings, false)
    expect(overview.throughput.totalBps).toBeGreaterThan(0)
    expect(overview).toEqual(overviewQuery(direct)(T, settings))

    const series = await host.call('series', T - 600_000, T, undefined)
    expect(series.points.length).toBeGreaterThan(0)
    expect(series).toEqual(seriesQuery(direct)(T - 600_000, T, undefined))
    expect(await host.call('series', T - 600_000, T, 'ap-2')).toEqual(
      seriesQuery(direct)(T - 600_000, T, 'ap-2'),
    )

    const rows = clientRowsQuery(direct)(T, settings.heavyThresholdMbps)
    const view = { sort: { column: 'client' as const, desc: false }, search: '', heavyOnly: false }
    const page = await host.call(
      'clientPage',
      { at: T, ...view, offset: 1, limit: 1 },
      settings.heavyThresholdMbps,
    )
    expect(page).toEqual({ at: T, thresholdMbps: settings.heavyThresholdMbps, ...pageOf(rows, view, 1, 1) })
    expect(page?.rows.map((r) => r.client)).toEqual(['bob'])
    const heavy = { ...view, heavyOnly: true }
    expect(await host.call('clientRowsFor', { at: T, ...heavy }, settings.heavyThresholdMbps)).toEqual(
      pageOf(rows, heavy, 0, rows.length).rows,
    )
  })

  it('answers as of gold while gold trails silver, as on a copy whose silver stops at gold', async () => {
    const gold = trailingGold(dir)
    const cut = await ReaderHost.start(gold.cutPath)
    try {
      host = await ReaderHost.start(gold.trailingPath)
      const at = gold.anchor * 1000
      const view = { sort: { column: 'bps' as const, desc: true }, search: '', heavyOnly: false }
      const both = async <T>(ask: (reader: ReaderHost) => Promise<T>) =>
        expect(await ask(host!)).toEqual(await ask(cut))
      await both((r) => r.call('overview', at, settings, false))
      await both((r) => r.call('overview', at - 1000, settings, true))
      await both((r) => r.call('connected', [at, at - 3000], settings))
      await both((r) => r.call('clientPage', { at, ...view, offset: 0, limit: 50 }, 1))
    } finally {
      await cut.stop()
      gold.close()
    }
  })

  it('keeps the client rows of a T for the next pages, and computes them again for another threshold', async () => {
    host = await ReaderHost.start(path)
    const args = { at: T, offset: 0, limit: 10, heavyOnly: true }
    expect(await host.call('clientPage', args, 10_000)).toMatchObject({ total: 0, thresholdMbps: 10_000 })
    expect(await host.call('clientPage', { ...args, offset: 5 }, 10_000)).toMatchObject({
      thresholdMbps: 10_000,
    })
    expect(await host.call('clientPage', args, 1)).toMatchObject({ total: 3, thresholdMbps: 1 })
    expect(await host.call('clientPage', { ...args, at: T - 60_000 }, 1)).toMatchObject({ at: T - 60_000 })
  })

  it("keeps the main thread's event loop turning while a read waits for the database", async () => {
    // A rollback-journal database under an exclusive lock makes the reader's next read wait (busy_timeout)
    // for as long as the test holds the lock: a slow read whose end the test decides.
    const blocker = openDb(path)
    blocker.pragma('journal_mode = DELETE')
    host = await ReaderHost.start(path)
    blocker.exec('BEGIN EXCLUSIVE')
    const order: string[] = []
    const read = host.call('overview', T, settings, false).then((o) => {
      order.push('read answered')
      return o
    })
    await new Promise((resolve) => setImmediate(resolve))
    order.push('immediate ran')
    await new Promise((resolve) => setTimeout(resolve, 50))
    order.push('timer fired')
    blocker.exec('COMMIT')
    order.push('lock released')
    expect((await read).throughput.totalBps).toBeGreaterThan(0)
    expect(order).toEqual(['immediate ran', 'timer fired', 'lock released', 'read answered'])
    blocker.close()
  })

  it('starts a reader that died once again, says so in the log, and fails reads if it dies twice', async () => {
    const workers: Worker[] = []
    const log: string[] = []
    host = await ReaderHost.start(path, {
      spawn: (dbPath) => {
        const worker = spawnWorker('reader-worker', { dbPath })
        workers.push(worker)
        return worker
      },
      log: (message) => log.push(message),
    })
    expect(await host.call('hasDemoData')).toBe(false)

    // The reads' reader first, the chart's second.
    expect(workers).toHaveLength(2)

    await workers[0]!.terminate()
    expect(log).toEqual([expect.stringMatching(/reader worker stopped \(exit code 1\); starting it again/)])
    expect(await host.call('silverEmpty')).toBe(false)
    expect(workers).toHaveLength(3)

    await workers[2]!.terminate()
    expect(log.at(-1)).toMatch(/stopped again/)
    await expect(host.call('silverEmpty')).rejects.toThrow(/the reader has stopped/)
    expect(workers).toHaveLength(3)
    // The chart's times have a reader of their own: still answered.
    const [sample] = await host.call('connected', [T], settings)
    expect(sample).toMatchObject({ t: T, total: 3 })
  })

  it("answers the chart's times on a reader of its own, which the other reads do not wait for", async () => {
    const workers: Worker[] = []
    host = await ReaderHost.start(path, {
      spawn: (dbPath) => {
        const worker = spawnWorker('reader-worker', { dbPath })
        workers.push(worker)
        return worker
      },
    })
    direct = openDb(path, { readonly: true })
    expect(await host.call('connected', [T - 60_000, T], settings)).toEqual(
      connectedHistoryQuery(direct)([T - 60_000, T], settings),
    )
    // With the chart's reader gone for good, every other read is still answered.
    await workers[1]!.terminate()
    expect(await host.call('connected', [T], settings)).toHaveLength(1)
    await workers[2]!.terminate()
    await expect(host.call('connected', [T], settings)).rejects.toThrow(/the chart reader has stopped/)
    expect((await host.call('overview', T, settings, false)).connections.connectedDevices).toBe(3)
  })
})
