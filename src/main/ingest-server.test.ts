import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { openDb, type Db } from '../pipeline/db/open'
import { Engine, type IncomingFrame } from '../pipeline/engine'
import { overviewQuery } from '../pipeline/metrics/overview'
import { tempDir } from '../pipeline/testing/temp-db'
import type { FrameReply } from '../shared/ingest'
import { currentSecond } from '../shared/instant'
import { IngestServer, type IngestServerOptions, type IngestTarget } from './ingest-server'

const usage = (id: string, ts = Date.now()) => ({
  id,
  ts,
  type: 'usage',
  server: 'ap-1',
  device: 'aa:01',
  client: 'acme',
  bytes_down: 1_000_000,
  bytes_up: 250_000,
})

/** A client that collects replies in order and can wait for the n-th one. */
class Client {
  readonly replies: FrameReply[] = []
  hello: unknown
  private waiters: (() => void)[] = []
  closed: Promise<{ code: number; reason: string }>

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string }
      if (message.type === 'hello') this.hello = message
      else this.replies.push(message as FrameReply)
      this.waiters.splice(0).forEach((w) => w())
    })
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    )
  }

  static async connect(url: string, options?: WebSocket.ClientOptions): Promise<Client> {
    const ws = new WebSocket(url, options)
    const client = new Client(ws)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
      ws.once('error', reject)
    })
    return client
  }

  async reply(n: number): Promise<FrameReply> {
    while (this.replies.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve))
    return this.replies[n - 1]!
  }
}

describe('the WebSocket ingestion endpoint', () => {
  let dir: ReturnType<typeof tempDir>
  let engine: Engine
  let reader: Db
  let server: IngestServer | undefined
  const clients: Client[] = []
  const target: IngestTarget = {
    ingestFrames: async (frames: IncomingFrame[]) => engine.ingestFrames(frames),
  }
  const options: IngestServerOptions = { host: '127.0.0.1', port: 0, path: '/ingest', maxPayload: 64 * 1024 }
  const start = async (extra: Partial<IngestServerOptions> = {}, to: IngestTarget = target) => {
    server = await IngestServer.start(to, { ...options, ...extra })
    return server
  }
  const connect = async (url = server!.url, o?: WebSocket.ClientOptions) => {
    const client = await Client.connect(url, o)
    clients.push(client)
    return client
  }
  const silverCount = () =>
    (reader.prepare('SELECT count(*) AS n FROM silver_events').get() as { n: number }).n

  beforeEach(() => {
    dir = tempDir()
    engine = Engine.open(dir.path('vigia.db'))
    reader = openDb(dir.path('vigia.db'), { readonly: true })
  })
  afterEach(async () => {
    clients.splice(0).forEach((c) => c.ws.terminate())
    await server?.close()
    server = undefined
    reader.close()
    engine.close()
    dir.remove()
  })

  it('greets, acknowledges every frame with its seq and counts, and the event is in the metrics on ack', async () => {
    await start()
    const client = await connect()
    client.ws.send(JSON.stringify(usage('u1')))
    client.ws.send(
      JSON.stringify({
        seq: 'batch-7',
        events: [usage('u2'), usage('u1'), { ...usage('u3'), bytes_up: -1 }],
      }),
    )
    expect(await client.reply(1)).toEqual({
      type: 'ack',
      seq: '1',
      accepted: 1,
      duplicates: 0,
      rejected: 0,
      rejects: [],
    })
    expect(await client.reply(2)).toEqual({
      type: 'ack',
      seq: 'batch-7',
      accepted: 1,
      duplicates: 1,
      rejected: 1,
      rejects: [{ index: 2, line: 3, field: 'bytes_up', reason: 'must not be negative' }],
    })
    expect(client.hello).toEqual({ type: 'hello', protocol: 1, maxPayload: 64 * 1024, connection: 'c1' })
    // On ack the events are committed: a separate read-only connection sees them in the metrics.
    const overview = overviewQuery(reader)(currentSecond() + 1000, engine.settings.get())
    expect(overview.throughput.totalBps).toBe((2 * 1_250_000 * 8) / 10)
    expect(server!.status()).toMatchObject([{ id: 'c1', frames: 2, events: 4, rejects: 1, paused: false }])
  })

  it('answers a malformed frame with an error and goes on with the connection', async () => {
    await start()
    const client = await connect()
    client.ws.send(Buffer.from([0x7b, 0xff, 0x7d]))
    client.ws.send('[{"id": 1},')
    client.ws.send(JSON.stringify(usage('ok')))
    expect(await client.reply(1)).toEqual({ type: 'error', seq: '1', error: 'frame is not valid UTF-8' })
    expect(await client.reply(2)).toMatchObject({
      type: 'error',
      seq: '2',
      error: /^frame is not a valid JSON array/,
    })
    expect(await client.reply(3)).toMatchObject({ type: 'ack', seq: '3', accepted: 1 })
    // Every byte received is in landing, unreadable frames included.
    const landed = reader.prepare('SELECT count(*) AS n FROM landing_payloads').get()
    expect(landed).toEqual({ n: 3 })
  })

  it('closes a connection that sends an oversized frame with 1009, and keeps serving the others', async () => {
    await start()
    const big = await connect()
    const other = await connect()
    big.ws.send('x'.repeat(70 * 1024))
    expect((await big.closed).code).toBe(1009)
    other.ws.send(JSON.stringify(usage('after')))
    expect(await other.reply(1)).toMatchObject({ type: 'ack', accepted: 1 })
  })

  it('refuses clients without the right token before the upgrade, and accepts the token as header or query', async () => {
    await expect(IngestServer.start(target, { ...options, host: '0.0.0.0' })).rejects.toThrow(
      /token is required/,
    )
    await start({ token: 's3cret' })
    const url = server!.url
    await expect(connect(url)).rejects.toThrow('HTTP 401')
    await expect(connect(url, { headers: { authorization: 'Bearer wrong' } })).rejects.toThrow('HTTP 401')
    await expect(
      connect(url.replace('/ingest', '/other'), { headers: { authorization: 'Bearer s3cret' } }),
    ).rejects.toThrow('HTTP 404')
    const byHeader = await connect(url, { headers: { authorization: 'Bearer s3cret' } })
    const byQuery = await connect(`${url}?token=s3cret`)
    byHeader.ws.send(JSON.stringify(usage('h')))
    byQuery.ws.send(JSON.stringify(usage('q')))
    expect(await byHeader.reply(1)).toMatchObject({ accepted: 1 })
    expect(await byQuery.reply(1)).toMatchObject({ accepted: 1 })
  })

  it('loses nothing and doubles nothing when a client resends what was not acknowledged after a drop', async () => {
    // A target that holds the second batch until the client has dropped, like a slow disk.
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let calls = 0
    await start(
      {},
      {
        ingestFrames: async (frames) => {
          if (++calls === 2) await held
          return engine.ingestFrames(frames)
        },
      },
    )
    const first = await connect()
    const frames = Array.from({ length: 6 }, (_, i) => ({
      seq: `f${i}`,
      events: [usage(`e${i}a`), usage(`e${i}b`)],
    }))
    first.ws.send(JSON.stringify(frames[0]))
    await first.reply(1)
    for (const f of frames.slice(1)) first.ws.send(JSON.stringify(f))
    await new Promise((r) => setTimeout(r, 50))
    first.ws.terminate()
    release()
    const acked = new Set(first.replies.map((r) => r.seq))

    const second = await connect()
    const unacked = frames.filter((f) => !acked.has(f.seq))
    for (const f of unacked) second.ws.send(JSON.stringify(f))
    const replies = await Promise.all(unacked.map((_, i) => second.reply(i + 1)))
    const resentAccepted = replies.reduce((n, r) => n + (r.type === 'ack' ? r.accepted + r.duplicates : 0), 0)
    expect(resentAccepted).toBe(unacked.length * 2)
    expect(silverCount()).toBe(12)
  })

  it('stops reading a client that outruns the engine, keeping memory bounded, and catches up after', async () => {
    let release!: () => void
    let gate = new Promise<void>((resolve) => (release = resolve))
    let maxBatch = 0
    await start(
      {},
      {
        ingestFrames: async (frames) => {
          maxBatch = Math.max(maxBatch, frames.length)
          await gate
          return engine.ingestFrames(frames)
        },
      },
    )
    const client = await connect()
    const total = 2000
    for (let i = 0; i < total; i++) client.ws.send(JSON.stringify(usage(`b${i}`)))
    await expect.poll(() => server!.status()[0]?.paused, { timeout: 10_000 }).toBe(true)
    // Held by the engine: at most one batch in flight plus the frames read before the pause.
    const held = server!.status()[0]!.frames
    expect(held).toBeLessThan(total)
    release()
    gate = Promise.resolve()
    await client.reply(total)
    expect(silverCount()).toBe(total)
    expect(maxBatch).toBeLessThanOrEqual(2000)
  })
  it('tells how long frames waited for their ack, over the last 10 s', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    await start(
      {},
      {
        ingestFrames: async (frames) => {
          await gate
          return engine.ingestFrames(frames)
        },
      },
    )
    expect(server!.slowestAckMs()).toBeNull()
    const client = await connect()
    const sentAt = Date.now()
    client.ws.send(JSON.stringify(usage('w1')))
    await expect.poll(() => server!.status()[0]?.frames ?? 0).toBe(1)
    setTimeout(release, 300)
    await client.reply(1)
    const waited = server!.slowestAckMs()!
    expect(waited).toBeGreaterThanOrEqual(300)
    expect(waited).toBeLessThanOrEqual(Date.now() - sentAt)
    expect(server!.slowestAckMs(Date.now() + 10_001)).toBeNull()
  })

  it('hands the engine at most 8 MiB of frames per call, however much is queued', async () => {
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const batchBytes: number[] = []
    await start(
      {},
      {
        ingestFrames: async (frames) => {
          batchBytes.push(frames.reduce((n, f) => n + f.bytes.length, 0))
          await gate
          return engine.ingestFrames(frames)
        },
      },
    )
    // Two senders of 60 KB frames (not JSON: the engine lands them and answers with an error, cheaply)
    // queue about 16 MiB while the engine holds its first call.
    const frame = 'x'.repeat(60_000)
    const senders = [await connect(), await connect()]
    const perSender = 200
    for (const sender of senders) for (let i = 0; i < perSender; i++) sender.ws.send(frame)
    await expect
      .poll(() => server!.status().filter((c) => c.paused).length, { timeout: 10_000 })
      .toBe(senders.length)
    release()
    for (const sender of senders) await sender.reply(perSender)
    const total = batchBytes.reduce((a, b) => a + b, 0)
    expect(total).toBe(senders.length * perSender * frame.length)
    expect(Math.max(...batchBytes)).toBeLessThanOrEqual(8 << 20)
    expect(Math.max(...batchBytes)).toBeGreaterThan(4 << 20)
  })
})
