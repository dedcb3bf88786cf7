import { statSync, writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDb } from '../pipeline/db/open'
import { frame, tempDir } from '../pipeline/testing/temp-db'
import type { Worker } from 'node:worker_threads'
import { EngineHost, EngineStoppedError } from './engine-host'
import { spawnWorker } from './worker-client'

describe('the engine in its worker thread', () => {
  let dir: ReturnType<typeof tempDir>
  let host: EngineHost | undefined
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(async () => {
    await host?.stop()
    dir.remove()
  })

  it('ingests frames and imports files through the worker, while a read-only connection sees the results', async () => {
    const path = dir.path('vigia.db')
    host = await EngineHost.start(path)
    // Gold follows the acknowledgement within its lag: the acknowledgement's own push names no event time
    // (null), the fold's names the one it changed.
    const committed = new Promise((resolve) => {
      const folded = (span: unknown) => {
        if (span === null) return
        host!.off('committed', folded)
        resolve(span)
      }
      host!.on('committed', folded)
    })
    const now = Math.floor(Date.now() / 1000) * 1000
    const [result] = await host.call('ingestFrames', [
      frame({ id: 'f1', ts: now, type: 'flow', device: 'a', peer: 'b', bytes: 1000 }, '7'),
    ])
    // The push names the event time the fold changed, so that a live chart asks only that again.
    expect(await committed).toEqual({ from: now, to: now })
    expect(result).toMatchObject({ seq: '7', accepted: 1, duplicates: 0, rejected: 0, error: null })

    const file = dir.path('x.ndjson')
    writeFileSync(file, JSON.stringify({ id: 'f2', ts: now, type: 'flow', device: 'a', peer: 'c', bytes: 5 }))
    const progress: number[] = []
    host.on('import-progress', (_id, p) => progress.push(p.records))
    const summary = await host.call('importFile', file, { importId: 'i1' })
    expect(summary).toMatchObject({ status: 'done', accepted: 1 })
    expect(progress.at(-1)).toBe(1)

    const reader = openDb(path, { readonly: true })
    expect(reader.prepare('SELECT count(*) AS n FROM silver_events').get()).toEqual({ n: 2 })
    expect(() => reader.prepare(`DELETE FROM silver_events`).run()).toThrow(/readonly/)
    reader.close()
  })

  it('acknowledges from silver and folds gold within its lag, then says so, and stops with gold complete', async () => {
    const path = dir.path('vigia.db')
    const goldLagMs = 300
    host = await EngineHost.start(path, { goldLagMs })
    const reader = openDb(path, { readonly: true })
    const count = (table: string) =>
      reader.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get()!
    const now = Date.now()
    const flows = (from: number) =>
      Array.from({ length: 20 }, (_, i) =>
        frame({ id: `g${from + i}`, ts: now, type: 'flow', device: `d${from + i}`, peer: 'p', bytes: 10 }),
      )
    const ackedAt = Date.now()
    await host.call('ingestFrames', flows(0))
    expect(count('silver_events')).toBe(20)
    // Seen by a reader within the lag (and the worker's tick), and announced to readers.
    let committedAt = 0
    host.on('committed', () => (committedAt = Date.now()))
    await expect.poll(() => count('gold_flow_second'), { interval: 10, timeout: 2000 }).toBe(20)
    const seenAt = Date.now()
    expect(seenAt - ackedAt).toBeLessThan(goldLagMs + 500)
    await expect.poll(() => committedAt, { interval: 10 }).toBeGreaterThan(0)

    await host.call('ingestFrames', flows(20))
    await host.stop()
    host = undefined
    expect(count('gold_flow_second')).toBe(40)
    reader.close()
  })

  it('tells what share of the last 10 s the engine spent on calls', async () => {
    host = await EngineHost.start(dir.path('vigia.db'))
    expect(host.busyShare()).toBe(0)
    const now = Date.now()
    const events = Array.from({ length: 2000 }, (_, i) =>
      frame({ id: `b${i}`, ts: now, type: 'flow', device: `d${i}`, peer: 'p', bytes: 10 }),
    )
    const started = Date.now()
    await host.call('ingestFrames', events)
    const took = Date.now() - started
    const share = host.busyShare()
    expect(share).toBeGreaterThan(0)
    expect(share).toBeLessThanOrEqual((took + 1) / 10_000)
    expect(host.busyShare(Date.now() + 10_001)).toBe(0)
  })

  it("copies the engine's commits into the database file from a thread of its own", async () => {
    const path = dir.path('vigia.db')
    host = await EngineHost.start(path)
    const now = Date.now()
    const events = Array.from({ length: 2000 }, (_, i) =>
      frame({ id: `u${i}`, ts: now, type: 'flow', device: `d${i}`, peer: 'p', bytes: 10 }),
    )
    await host.call('ingestFrames', events)
    // The engine only checkpoints past tens of megabytes of log; these pages reach the file because the
    // checkpointer copies them, within a few of its rounds.
    const reader = openDb(path, { readonly: true })
    const pages = () => {
      const count = reader.pragma('page_count', { simple: true }) as number
      return count * (reader.pragma('page_size', { simple: true }) as number)
    }
    expect(pages()).toBeGreaterThan(500 * 1024)
    // Gold, folded behind the acknowledgement, may still add pages meanwhile.
    await expect.poll(() => statSync(path).size - pages(), { timeout: 5000 }).toBe(0)
    reader.close()
  })

  it('starts an engine that died again, with what it had committed, unless it dies right after starting', async () => {
    const path = dir.path('vigia.db')
    const workers: Worker[] = []
    const log: string[] = []
    const spawn = (dbPath: string) => {
      const worker = spawnWorker('engine-worker', { dbPath })
      workers.push(worker)
      return worker
    }
    host = await EngineHost.start(path, { spawn, log: (m) => log.push(m), crashLoopMs: 0 })
    const now = Date.now()
    const flow = (id: string) => frame({ id, ts: now, type: 'flow', device: 'a', peer: 'b', bytes: 10 })
    expect((await host.call('ingestFrames', [flow('f1')]))[0]?.accepted).toBe(1)

    await workers[0]!.terminate()
    expect(log).toEqual([expect.stringMatching(/engine worker stopped \(exit code 1\); starting it again/)])
    const [again, resent] = await host.call('ingestFrames', [flow('f2'), flow('f1')])
    expect([again?.accepted, resent?.duplicates]).toEqual([1, 1])
    expect(workers).toHaveLength(2)
    await host.stop()

    // Dying within the crash-loop window: it stays down, and calls fail as the endpoint expects.
    const exits: number[] = []
    host = await EngineHost.start(path, { spawn, log: (m) => log.push(m), crashLoopMs: 60_000 })
    host.on('exit', (code) => exits.push(code))
    await workers[2]!.terminate()
    await expect.poll(() => exits).toEqual([1])
    expect(log.at(-1)).toMatch(/fail until Vigia restarts/)
    await expect(host.call('getSettings')).rejects.toBeInstanceOf(EngineStoppedError)
    expect(workers).toHaveLength(3)
    await host.stop()

    // A restart that fails: calls fail as if the engine had stopped, so the endpoint asks for a resend.
    const notADirectory = dir.path('file')
    writeFileSync(notADirectory, 'x')
    let spawned = 0
    host = await EngineHost.start(path, {
      spawn: (dbPath) => spawn(spawned++ === 0 ? dbPath : `${notADirectory}/vigia.db`),
      log: (m) => log.push(m),
      crashLoopMs: 0,
    })
    host.on('exit', (code) => exits.push(code))
    await workers[3]!.terminate()
    await expect(host.call('getSettings')).rejects.toBeInstanceOf(EngineStoppedError)
    expect(log.at(-1)).toMatch(/could not start again/)
    expect(exits).toEqual([1, 1])
  })

  it('rejects a call with the error the engine raised, and keeps serving', async () => {
    host = await EngineHost.start(dir.path('vigia.db'))
    await expect(host.call('updateSettings', { heavyThresholdMbps: -1 })).rejects.toThrow(
      /heavyThresholdMbps/,
    )
    expect((await host.call('getSettings')).heavyThresholdMbps).toBe(50)
  })

  it('fails to start with a clear message when the database file is not a database', async () => {
    const path = dir.path('not-a-db.db')
    writeFileSync(path, 'this is not SQLite'.repeat(100))
    await expect(EngineHost.start(path)).rejects.toThrow(/not a database/)
  })
})
