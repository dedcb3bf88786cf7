// Bad input, thousands of times, over the real endpoint and through the real importer: nothing crashes,
// every frame is answered, landing keeps every byte, and the quarantine holds exactly what was rejected.
import fc from 'fast-check'
import { writeFileSync } from 'node:fs'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Engine } from '../pipeline/engine'
import { importFile } from '../pipeline/importers/import-file'
import { tempDir } from '../pipeline/testing/temp-db'
import type { FrameReply } from '../shared/ingest'
import { IngestServer } from './ingest-server'

const now = Date.now()
const valid = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }),
  ts: fc.integer({ min: now - 86_400_000, max: now }),
  type: fc.constant('usage'),
  server: fc.constantFrom('ap-1', 'ap-2'),
  device: fc.string({ minLength: 1, maxLength: 8 }),
  client: fc.string({ minLength: 1, maxLength: 8 }),
  bytes_down: fc.nat(),
  bytes_up: fc.nat(),
})

/** One record: valid, subtly wrong, or garbage. */
const record: fc.Arbitrary<string> = fc.oneof(
  valid.map((e) => JSON.stringify(e)),
  valid.map((e) => JSON.stringify({ ...e, bytes_up: -1 })),
  valid.map((e) => JSON.stringify({ ...e, bytes_down: 1e300 })),
  valid.map((e) => JSON.stringify({ ...e, ts: 8.64e15 })),
  valid.map((e) => JSON.stringify({ ...e, ts: -1 })),
  valid.map((e) => JSON.stringify({ ...e, type: 'teleport' })),
  valid.map((e) => JSON.stringify({ ...e, id: 'x'.repeat(5000) })),
  valid.map((e) => JSON.stringify({ ...e, server: { nested: [1, 2, 3] } })),
  fc.constant('['.repeat(5000) + ']'.repeat(5000)),
  fc.constant('{"a":'.repeat(2000) + '1' + '}'.repeat(2000)),
  fc.string({ maxLength: 200 }),
  fc.json({ maxDepth: 4 }),
)

/** A frame: raw bytes, including invalid UTF-8 and empty ones. */
const frameBytes: fc.Arbitrary<Buffer> = fc.oneof(
  fc.array(record, { minLength: 1, maxLength: 5 }).map((lines) => Buffer.from(lines.join('\n'))),
  fc.array(record, { minLength: 1, maxLength: 5 }).map((lines) => Buffer.from(`[${lines.join(',')}]`)),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from([0xff, 0xfe, 0x7b, 0x7d])),
  fc.constant(Buffer.alloc(0)),
)

describe('fuzzing the endpoint and the importer', () => {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  let server: IngestServer
  beforeEach(async () => {
    dir = tempDir()
    engine = Engine.open(dir.path('vigia.db'))
    server = await IngestServer.start(
      { ingestFrames: async (frames) => engine.ingestFrames(frames) },
      { host: '127.0.0.1', port: 0, path: '/ingest', maxPayload: 1 << 20 },
    )
  })
  afterEach(async () => {
    await server.close()
    engine.close()
    dir.remove()
  })

  const count = (sql: string) => (engine.db.prepare(sql).get() as { n: number }).n

  it('answers every one of thousands of random frames, keeps every byte, and quarantines exactly the rejects', async () => {
    const frames = fc.sample(frameBytes, { numRuns: 2000, seed: 42 })
    const ws = new WebSocket(server.url)
    const replies: FrameReply[] = []
    const done = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        const reply = JSON.parse(String(data)) as FrameReply | { type: 'hello' }
        if (reply.type === 'hello') return
        replies.push(reply)
        if (replies.length === frames.length) resolve()
      }),
    )
    await new Promise<void>((resolve) => ws.on('open', () => resolve()))
    for (const f of frames) ws.send(f)
    await Promise.race([done, new Promise((r) => setTimeout(r, 25_000))])
    ws.close()

    expect(replies).toHaveLength(frames.length)
    const rejected = replies.reduce((n, r) => n + (r.type === 'ack' ? r.rejected : 0), 0)
    expect(count('SELECT count(*) AS n FROM silver_quarantine')).toBe(rejected)
    const landed = engine.db
      .prepare<[], { bytes: Buffer }>('SELECT bytes FROM landing_payloads ORDER BY id')
      .all()
    expect(landed.map((l) => Buffer.from(l.bytes).toString('hex'))).toEqual(
      frames.map((f) => f.toString('hex')),
    )
    // The server still serves.
    const after = new WebSocket(server.url)
    const reply = new Promise<FrameReply>((resolve) =>
      after.on('message', (d) => {
        const m = JSON.parse(String(d)) as FrameReply | { type: 'hello' }
        if (m.type !== 'hello') resolve(m)
      }),
    )
    await new Promise<void>((resolve) => after.on('open', () => resolve()))
    after.send(JSON.stringify({ id: 'still-alive', ts: now, type: 'flow', device: 'a', peer: 'b', bytes: 1 }))
    expect(await reply).toMatchObject({ type: 'ack', accepted: 1 })
    after.close()
  })

  it('imports files of random lines without failing, counting every line once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 200 }), async (lines) => {
        const path = dir.path(`f${Math.random()}.ndjson`)
        // Lines holding a newline or only blanks are not records of their own: keep the file's lines simple.
        // The first line is an event, so the content is read as NDJSON (content detection), then anything goes.
        const first = JSON.stringify({ id: 'first', ts: now, type: 'flow', device: 'a', peer: 'b', bytes: 1 })
        const content = [first, ...lines.map((l) => l.replace(/[\r\n]/g, ' ')).filter((l) => l.trim() !== '')]
        writeFileSync(path, content.join('\n'))
        const summary = await importFile(engine, path, { force: true })
        expect(summary.status).toBe('done')
        expect(summary.records).toBe(content.length)
        expect(summary.accepted + summary.duplicates + summary.quarantined).toBe(content.length)
      }),
      { numRuns: 30, seed: 7 },
    )
  })
})
