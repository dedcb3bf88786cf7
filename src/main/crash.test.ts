// Crashes: the headless server is killed (SIGKILL) in the middle of ingestion and of a file import, then
// restarted. Every acknowledged event is in silver exactly once, and the metrics equal a clean run's; gold,
// killed while it trailed silver, catches up to what a rebuild from scratch gives.
import { spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { databaseFiles } from '../pipeline/db/gold-file'
import { openDb, type Db } from '../pipeline/db/open'
import { Engine } from '../pipeline/engine'
import { SEEN_BEHIND_SQL } from '../pipeline/gold/seen-marker'
import { overviewQuery } from '../pipeline/metrics/overview'
import { sortedRows, tablesLike } from '../pipeline/testing/batches'
import { tempDir } from '../pipeline/testing/temp-db'
import { Watermarks } from '../pipeline/watermarks'
import type { FrameReply } from '../shared/ingest'

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'vigia.js')
const T = Math.floor(Date.now() / 1000) * 1000

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

function serve(
  db: string,
  port: number,
  options: string[] = [],
  env: Record<string, string> = {},
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [BIN, '--db', db, 'serve', '--port', '0', '--ingest-port', String(port), '--demo', 'off', ...options],
    { env: { ...process.env, ...env } },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (out.includes('ingestion endpoint')) resolve(child)
    })
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)))
  })
}

/** Every gold table, rows sorted. */
const gold = (db: Db) =>
  Object.fromEntries(tablesLike(db, 'gold_%').map((name) => [name, sortedRows(db, `SELECT * FROM ${name}`)]))

const watermark = (db: Db, stage: 'silver' | 'gold') => new Watermarks(db).get(stage)
const lastSilverId = (db: Db) =>
  db.prepare<[], number | null>('SELECT max(id) FROM silver_events').pluck().get() ?? 0

const kill = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })

function events(n: number) {
  return Array.from({ length: n }, (_, i) => {
    const device = `d${i % 40}`
    if (i < 40)
      return {
        id: `c${i}`,
        ts: T - 120_000,
        type: 'connect',
        server: `ap-${i % 3}`,
        device,
        client: `k${i % 15}`,
        plan_mbps: 100,
      }
    return {
      id: `u${i}`,
      ts: T - 60_000 + (i % 50_000),
      type: 'usage',
      server: `ap-${i % 3}`,
      device,
      client: `k${i % 15}`,
      bytes_down: 1000 + i,
      bytes_up: 10,
    }
  })
}

type Frame = { seq: string; events: ReturnType<typeof events> }

/** The events in frames of 50, numbered. */
const framesOf = (all: ReturnType<typeof events>): Frame[] =>
  Array.from({ length: all.length / 50 }, (_, i) => ({
    seq: `f${i}`,
    events: all.slice(i * 50, i * 50 + 50),
  }))

/**
 * Sends `pending` to the endpoint on `port` with at most `window` frames in flight, noting each ack in
 * `acked`, until every pending frame is acked or the connection drops; `onAck` sees the count after each.
 */
const sendAll = (
  port: number,
  acked: Set<string>,
  pending: Frame[],
  window: number,
  onAck?: (n: number) => void,
) =>
  new Promise<void>((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ingest`)
    let next = 0
    const send = () => {
      if (next < pending.length) ws.send(JSON.stringify(pending[next++]))
    }
    ws.on('open', () => Array.from({ length: Math.min(window, pending.length) }, send))
    ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as FrameReply | { type: 'hello' }
      if (reply.type === 'hello') return
      acked.add(reply.seq)
      onAck?.(acked.size)
      if (pending.every((f) => acked.has(f.seq))) ws.close()
      else send()
    })
    ws.on('close', () => resolve())
    ws.on('error', () => undefined)
  })

/**
 * Waits for gold to fold all of silver, kills the server, and checks silver holds each of `count` events
 * exactly once. Returns the read-only connection.
 */
async function exactlyOnce(db: string, server: ChildProcess, count: number): Promise<Db> {
  const reader = openDb(db, { readonly: true })
  // Gold follows the acknowledgements within its lag.
  await expect
    .poll(() => watermark(reader, 'gold'), { interval: 50, timeout: 10_000 })
    .toBe(lastSilverId(reader))
  await kill(server)
  const ids = reader.prepare<[], { event_id: string }>('SELECT event_id FROM silver_events').all()
  expect(ids).toHaveLength(count)
  expect(new Set(ids.map((r) => r.event_id)).size).toBe(count)
  return reader
}

describe('crash safety', () => {
  let dir: ReturnType<typeof tempDir>
  const children: ChildProcess[] = []
  beforeEach(() => {
    dir = tempDir()
  })
  afterEach(() => {
    children.splice(0).forEach((c) => c.kill('SIGKILL'))
    dir.remove()
  })

  it('keeps every acknowledged event exactly once when the server is killed mid-ingestion and the client resends', async () => {
    const all = events(20_000)
    const frames = framesOf(all)
    const db = dir.path('vigia.db')
    const port = await freePort()
    children.push(await serve(db, port))

    const acked = new Set<string>()
    await sendAll(port, acked, frames, frames.length, (n) => {
      if (n === 100) void kill(children[0]!)
    })
    const before = acked.size
    expect(before).toBeGreaterThanOrEqual(100)
    expect(before).toBeLessThan(frames.length)
    children.push(await serve(db, port))
    const pending = frames.filter((f) => !acked.has(f.seq))
    await sendAll(port, acked, pending, pending.length)
    expect(acked.size).toBe(frames.length)
    const reader = await exactlyOnce(db, children[1]!, all.length)

    const clean = Engine.open(dir.path('clean.db'))
    clean.ingestFrames(
      frames.map((f) => ({
        source: 'clean',
        seq: f.seq,
        receivedAt: Date.now(),
        bytes: Buffer.from(JSON.stringify(f)),
      })),
    )
    const settings = clean.settings.get()
    expect(overviewQuery(reader)(T, settings)).toEqual(overviewQuery(clean.db)(T, settings))
    reader.close()
    clean.close()
  })

  it('catches gold up from its watermark after the server is killed while gold trails silver', async () => {
    const all = events(20_000)
    const frames = framesOf(all)
    const db = dir.path('vigia.db')
    const port = await freePort()
    // Gold an hour behind: nothing acknowledged is in gold when the kill lands. Gold folded on the engine's
    // thread, whose lag this is: gold's own thread folds at once, and how far it trails is a matter of timing.
    children.push(await serve(db, port, ['--gold-lag', '3600000'], { VIGIA_GOLD_THREAD: '0' }))

    const acked = new Set<string>()
    // 32 frames in flight, as a device app keeps them: the kill lands with most frames not sent yet.
    await sendAll(port, acked, frames, 32, (n) => {
      if (n === 100) void kill(children[0]!)
    })
    expect(acked.size).toBeLessThan(frames.length)
    const killed = openDb(db, { readonly: true })
    expect(lastSilverId(killed)).toBeGreaterThanOrEqual(100 * 50)
    expect(watermark(killed, 'gold')).toBeLessThan(lastSilverId(killed))
    killed.close()

    // Started again as the app runs: gold's thread folds what gold owed from silver, then the rest as it comes.
    children.push(await serve(db, port))
    await sendAll(
      port,
      acked,
      frames.filter((f) => !acked.has(f.seq)),
      32,
    )
    expect(acked.size).toBe(frames.length)
    const reader = await exactlyOnce(db, children[1]!, all.length)
    // Killed with the devices' rows lagging gold's memory (it writes a row whose last seen alone moved once a
    // minute): started again, they are replayed from silver.
    expect(reader.prepare(`SELECT ${SEEN_BEHIND_SQL}`).pluck().get()).toBeGreaterThanOrEqual(0)
    reader.close()
    const restarted = Engine.open(db)
    const folded = gold(restarted.db)
    restarted.close()

    // A rebuild from scratch on a copy of the file (its log too: the killed server did not checkpoint it).
    const copy = dir.path('rebuilt.db')
    const targets = databaseFiles(copy)
    databaseFiles(db).forEach((from, i) => {
      copyFileSync(from, targets[i]!)
      if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${targets[i]}-wal`)
    })
    const rebuilt = Engine.open(copy)
    rebuilt.rebuild()
    expect(folded).toEqual(gold(rebuilt.db))
    rebuilt.close()
  })

  it('keeps a killed file import consistent, and importing again completes it without double counting', async () => {
    const all = events(60_000)
    const file = dir.path('big.ndjson')
    writeFileSync(file, all.map((e) => JSON.stringify(e)).join('\n'))
    const db = dir.path('vigia.db')
    const child = spawn(process.execPath, [BIN, '--db', db, 'import', file])
    children.push(child)
    // Killed once its first batches are committed.
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        if (/\d+ records/.test(d.toString()) && / ([1-9]\d{3,}) records/.test(d.toString())) resolve()
      })
    })
    await kill(child)
    const mid = openDb(db, { readonly: true })
    const partial = (mid.prepare('SELECT count(*) AS n FROM silver_events').get() as { n: number }).n
    mid.close()
    expect(partial).toBeLessThan(all.length)

    const again = spawn(process.execPath, [BIN, '--db', db, 'import', file])
    const code = await new Promise((resolve) => again.on('exit', resolve))
    expect(code).toBe(0)
    const reader = openDb(db, { readonly: true })
    expect(reader.prepare('SELECT count(*) AS n FROM silver_events').get()).toEqual({ n: all.length })
    const clean = Engine.open(dir.path('clean.db'))
    clean.ingestFrames([
      {
        source: 'clean',
        seq: null,
        receivedAt: Date.now(),
        bytes: Buffer.from(all.map((e) => JSON.stringify(e)).join('\n')),
      },
    ])
    const settings = clean.settings.get()
    expect(overviewQuery(reader)(T, settings)).toEqual(overviewQuery(clean.db)(T, settings))
    reader.close()
    clean.close()
  }, 120_000)
}, 120_000)
