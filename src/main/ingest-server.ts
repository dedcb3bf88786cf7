// The WebSocket ingestion endpoint (docs/protocol.md). Frames from every connection are batched into one
// engine call (one landing transaction), and each frame is answered once it is committed.
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { FrameResult, IncomingFrame } from '../pipeline/engine'
import type { ConnectionStatus, FrameReply } from '../shared/ingest'
import { isLoopbackHost, tokenMatches, tokenFromRequest } from './auth'
import { EngineStoppedError } from './engine-host'
import { RecentMax } from './load-meters'

/** Where frames go: the engine host in the app, an in-process engine in tests. */
export interface IngestTarget {
  ingestFrames(frames: IncomingFrame[]): Promise<FrameResult[]>
}

export interface IngestServerOptions {
  host: string
  port: number
  path: string
  /** Required when `host` is not loopback; when set, required from every client. */
  token?: string
  /** Largest frame in bytes; larger ones close the connection with 1009. */
  maxPayload: number
}

export const DEFAULT_INGEST: IngestServerOptions = {
  host: '127.0.0.1',
  port: 7420,
  path: '/ingest',
  maxPayload: 1 << 20,
}

// Backpressure: stop reading a connection past these, resume below half of them.
const MAX_UNACKED_BYTES = 8 << 20
const MAX_UNACKED_FRAMES = 256
const MAX_UNREAD_REPLY_BYTES = 4 << 20
// Batching: one engine call per this many frames or bytes, or after this long. The bytes bound what the
// engine holds at once (its heap is limited, see worker-client.ts): about 45,000 events of 180 bytes.
const BATCH_FRAMES = 2000
const BATCH_BYTES = 8 << 20
/** The largest frame the endpoint may be configured to take: one batch's bytes. */
export const MAX_FRAME_LIMIT = BATCH_BYTES
const BATCH_WAIT_MS = 2
const RATE_WINDOW_S = 10

interface Connection {
  id: string
  ws: WebSocket
  peer: string
  connectedAt: number
  lastSeen: number
  nextSeq: number
  frames: number
  events: number
  rejects: number
  unackedBytes: number
  unackedFrames: number
  paused: boolean
  /** Records per second over the last RATE_WINDOW_S seconds, as [second, count] buckets. */
  perSecond: [number, number][]
}

interface Pending {
  connection: Connection
  frame: IncomingFrame
}

export class IngestServer {
  private readonly http: Server
  private readonly wss: WebSocketServer
  private readonly connections = new Set<Connection>()
  private queue: Pending[] = []
  private queuedBytes = 0
  private flushing: Promise<void> | null = null
  private timer: NodeJS.Timeout | null = null
  private resumeTimer: NodeJS.Timeout
  private nextConnection = 1
  private closing = false
  /** Per flush, how long its oldest frame waited from its arrival to its ack. */
  private readonly ackWaits = new RecentMax()

  private constructor(
    private readonly target: IngestTarget,
    private readonly options: IngestServerOptions,
  ) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxPayload,
      perMessageDeflate: false,
    })
    this.http = createServer((_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('Vigia ingestion: connect with WebSocket\n')
    })
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head))
    this.resumeTimer = setInterval(() => this.resumeReady(), 20)
    this.resumeTimer.unref()
  }

  static async start(target: IngestTarget, options: IngestServerOptions): Promise<IngestServer> {
    if (!isLoopbackHost(options.host) && !options.token) {
      throw new Error(
        `a token is required to accept device apps on ${options.host}: set one, or listen on 127.0.0.1`,
      )
    }
    const server = new IngestServer(target, options)
    await new Promise<void>((resolve, reject) => {
      server.http.once('error', reject)
      server.http.listen(options.port, options.host, () => resolve())
    })
    return server
  }

  get url(): string {
    const { address, port } = this.http.address() as AddressInfo
    const host = address.includes(':') ? `[${address}]` : address
    return `ws://${host}:${port}${this.options.path}`
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port
  }

  status(now = Date.now()): ConnectionStatus[] {
    return [...this.connections].map((c) => ({
      id: c.id,
      peer: c.peer,
      connectedAt: c.connectedAt,
      lastSeen: c.lastSeen,
      frames: c.frames,
      events: c.events,
      rejects: c.rejects,
      eventsPerSecond: rate(c, now),
      paused: c.paused,
    }))
  }

  /** The longest a frame waited for its ack over the last 10 s, in ms; null when none was acked. */
  slowestAckMs(now = Date.now()): number | null {
    return this.ackWaits.max(now)
  }

  /** Stops accepting, answers what is in flight, then closes every connection with 1001. */
  async close(): Promise<void> {
    this.closing = true
    clearInterval(this.resumeTimer)
    await this.flushNow()
    for (const c of this.connections) c.ws.close(1001, 'Vigia is shutting down')
    this.wss.close()
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve())
      this.http.closeAllConnections()
    })
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    const url = new URL(req.url ?? '/', 'http://vigia')
    if (this.closing) return refuse(503, 'Service Unavailable')
    if (url.pathname !== this.options.path) return refuse(404, 'Not Found')
    if (this.options.token && !tokenMatches(tokenFromRequest(req), this.options.token)) {
      return refuse(401, 'Unauthorized')
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req))
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const now = Date.now()
    const connection: Connection = {
      id: `c${this.nextConnection++}`,
      ws,
      peer: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
      connectedAt: now,
      lastSeen: now,
      nextSeq: 1,
      frames: 0,
      events: 0,
      rejects: 0,
      unackedBytes: 0,
      unackedFrames: 0,
      paused: false,
      perSecond: [],
    }
    this.connections.add(connection)
    ws.on('message', (data, isBinary) => this.receive(connection, data, isBinary))
    ws.on('close', () => this.connections.delete(connection))
    // A socket error (reset, oversized frame) ends this connection only.
    ws.on('error', () => this.connections.delete(connection))
    ws.send(
      JSON.stringify({
        type: 'hello',
        protocol: 1,
        maxPayload: this.options.maxPayload,
        connection: connection.id,
      }),
    )
  }

  private receive(connection: Connection, data: RawData, _isBinary: boolean): void {
    const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer)
    const now = Date.now()
    connection.lastSeen = now
    connection.frames++
    connection.unackedBytes += bytes.length
    connection.unackedFrames++
    const frame: IncomingFrame = {
      source: `ws:${connection.peer}`,
      seq: String(connection.nextSeq++),
      receivedAt: now,
      bytes,
    }
    this.queue.push({ connection, frame })
    this.queuedBytes += bytes.length
    if (connection.unackedBytes > MAX_UNACKED_BYTES || connection.unackedFrames > MAX_UNACKED_FRAMES) {
      this.pause(connection)
    }
    this.schedule()
  }

  private schedule(): void {
    if (this.flushing) return
    if (this.queue.length >= BATCH_FRAMES || this.queuedBytes >= BATCH_BYTES) {
      void this.flushNow()
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flushNow(), BATCH_WAIT_MS)
    }
  }

  private async flushNow(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    while (this.flushing) await this.flushing
    if (this.queue.length === 0) return
    const batch = this.takeBatch()
    this.flushing = this.commit(batch).finally(() => {
      this.flushing = null
      if (this.queue.length > 0) this.schedule()
    })
    await this.flushing
  }

  /** The queue's first frames, up to a batch's frames or bytes (always at least one frame). */
  private takeBatch(): Pending[] {
    let frames = 0
    let bytes = 0
    while (frames < this.queue.length && frames < BATCH_FRAMES) {
      const next = this.queue[frames]!.frame.bytes.length
      if (frames > 0 && bytes + next > BATCH_BYTES) break
      bytes += next
      frames++
    }
    this.queuedBytes -= bytes
    return this.queue.splice(0, frames)
  }

  private async commit(batch: Pending[]): Promise<void> {
    let results: FrameResult[]
    try {
      results = await this.target.ingestFrames(batch.map((p) => p.frame))
    } catch (error) {
      // One frame the engine cannot take must not hold back the others: retry them one by one, and answer
      // the one that fails with an error. If the engine itself has failed, nothing is known to be committed
      // and the clients must resend.
      if (batch.length > 1) {
        for (const pending of batch) await this.commit([pending])
        return
      }
      const [only] = batch
      if (!only || error instanceof EngineStoppedError) {
        for (const c of new Set(batch.map((p) => p.connection))) c.ws.close(1011, 'the engine failed: resend')
        return
      }
      results = [
        {
          landingId: 0,
          seq: only.frame.seq,
          error: `Vigia could not process this frame: ${(error as Error).message}`,
          accepted: 0,
          duplicates: 0,
          rejected: 0,
          rejects: [],
        },
      ]
    }
    const now = Date.now()
    // The queue is in arrival order: the batch's first frame waited longest.
    this.ackWaits.note(now, now - batch[0]!.frame.receivedAt)
    batch.forEach(({ connection, frame }, i) => {
      const result = results[i]!
      connection.unackedBytes -= frame.bytes.length
      connection.unackedFrames--
      const records = result.accepted + result.duplicates + result.rejected
      connection.events += records
      connection.rejects += result.rejected
      count(connection, now, records)
      if (connection.ws.readyState !== connection.ws.OPEN) return
      connection.ws.send(JSON.stringify(reply(result)))
      if (connection.ws.bufferedAmount > MAX_UNREAD_REPLY_BYTES) this.pause(connection)
    })
    this.resumeReady()
  }

  private pause(connection: Connection): void {
    if (connection.paused) return
    connection.paused = true
    connection.ws.pause()
  }

  private resumeReady(): void {
    for (const c of this.connections) {
      if (
        c.paused &&
        c.unackedBytes <= MAX_UNACKED_BYTES / 2 &&
        c.unackedFrames <= MAX_UNACKED_FRAMES / 2 &&
        c.ws.bufferedAmount <= MAX_UNREAD_REPLY_BYTES / 2
      ) {
        c.paused = false
        c.ws.resume()
      }
    }
  }
}

function reply(result: FrameResult): FrameReply {
  const seq = result.seq ?? ''
  if (result.error) return { type: 'error', seq, error: result.error }
  return {
    type: 'ack',
    seq,
    accepted: result.accepted,
    duplicates: result.duplicates,
    rejected: result.rejected,
    rejects: result.rejects.map((r) => ({ index: r.index, line: r.line, field: r.field, reason: r.reason })),
  }
}

function count(c: Connection, now: number, records: number): void {
  const second = Math.floor(now / 1000)
  const last = c.perSecond.at(-1)
  if (last && last[0] === second) last[1] += records
  else c.perSecond.push([second, records])
  while (c.perSecond.length > 0 && c.perSecond[0]![0] <= second - RATE_WINDOW_S) c.perSecond.shift()
}

function rate(c: Connection, now: number): number {
  const second = Math.floor(now / 1000)
  const total = c.perSecond.filter(([s]) => s > second - RATE_WINDOW_S).reduce((n, [, k]) => n + k, 0)
  // A young connection is judged over the time it has been open, not the whole window.
  const seconds = Math.min(RATE_WINDOW_S, Math.max(1, (now - c.connectedAt) / 1000))
  return total / seconds
}
