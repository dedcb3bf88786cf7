// Streams batches of events to Vigia's WebSocket endpoint (docs/protocol.md, "WebSocket endpoint") without
// losing any: each batch is an envelope with its own seq, kept until its reply arrives. A dropped
// connection is reopened with back-off and every frame still without a reply is sent again; Vigia
// de-duplicates by event id, so a resent frame never counts twice.
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket, { type RawData } from 'ws'
import { z } from 'zod'
import { Pacer } from './pacer'

export interface WsSenderOptions {
  url: string
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string
  /** Frames in flight (sent, no reply yet); the protocol asks for at most a few dozen. Default 32. */
  window?: number
  /** Target events per second; unlimited when absent. */
  rate?: number
  /** Reconnect back-off, doubling from minMs to maxMs. Default 100 ms to 5 s. */
  backoff?: { minMs: number; maxMs: number }
  /** Give up after this long without a connection. Default 60 s. */
  giveUpAfterMs?: number
  /** Connection changes, for progress output. */
  onNotice?: (notice: string) => void
}

export interface SenderStats {
  /** Frames and events written to a connection for the first time. */
  frames: number
  sent: number
  /** Events whose frame got a reply (ack or error). */
  acked: number
  accepted: number
  duplicates: number
  rejected: number
  /** Events sent again after a reconnect. */
  resent: number
  /** Frames answered with an error (unreadable frame). */
  errors: number
  /** Connections reopened after a drop. */
  reconnects: number
  /** Events sent or waiting for a connection, still without a reply. */
  inFlight: number
}

interface Frame {
  seq: string
  text: string
  events: number
  transmitted: boolean
}

// Untrusted input: the server's replies are checked before they change any count.
const reply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), maxPayload: z.number().int().positive().optional() }),
  z.object({
    type: z.literal('ack'),
    seq: z.union([z.string(), z.number()]),
    accepted: z.number().int().nonnegative(),
    duplicates: z.number().int().nonnegative(),
    rejected: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal('error'), seq: z.union([z.string(), z.number()]), error: z.string() }),
])

/** Thrown to whoever waits on a sender that `terminate` stopped. */
export class SenderStoppedError extends Error {
  constructor() {
    super('the sender was stopped')
    this.name = 'SenderStoppedError'
  }
}

// Refusals that resending cannot fix.
const FATAL_STATUS: Record<number, string> = {
  401: 'the token was refused',
  403: 'forbidden',
  404: 'no ingest endpoint at this path',
}
const CLOSE_TOO_BIG = 1009

export class WsSender {
  private readonly unacked = new Map<string, Frame>()
  private readonly pacer: Pacer | null
  private readonly window: number
  private readonly backoff: { minMs: number; maxMs: number }
  private readonly giveUpAfterMs: number
  private readonly counts: Omit<SenderStats, 'inFlight'> = {
    frames: 0,
    sent: 0,
    acked: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    resent: 0,
    errors: 0,
    reconnects: 0,
  }
  private ws: WebSocket | null = null
  private open = false
  private everOpened = false
  private closing = false
  private fatal: Error | null = null
  private lastError = ''
  private maxPayload = Infinity
  private attempt = 0
  private disconnectedSince = Date.now()
  private reconnectTimer: NodeJS.Timeout | null = null
  private nextSeq = 1
  private waiters: (() => void)[] = []

  constructor(private readonly options: WsSenderOptions) {
    this.window = options.window ?? 32
    this.pacer = options.rate === undefined ? null : new Pacer(options.rate)
    this.backoff = options.backoff ?? { minMs: 100, maxMs: 5_000 }
    this.giveUpAfterMs = options.giveUpAfterMs ?? 60_000
    this.connect()
  }

  get stats(): SenderStats {
    let inFlight = 0
    for (const frame of this.unacked.values()) inFlight += frame.events
    return { ...this.counts, inFlight }
  }

  /**
   * Sends one batch as one frame, once the window has room and the pace allows. A function is called only
   * then, so live events can carry the time they actually leave.
   */
  async send(batch: readonly unknown[] | (() => readonly unknown[])): Promise<void> {
    await this.until(() => this.unacked.size < this.window)
    const delay = this.pacer?.delay() ?? 0
    if (delay > 0) await sleep(delay)
    this.throwIfFatal()
    if (this.closing) throw new SenderStoppedError()
    const events = typeof batch === 'function' ? batch() : batch
    if (events.length === 0) return
    const seq = String(this.nextSeq++)
    const text = JSON.stringify({ seq, events })
    if (Buffer.byteLength(text) > this.maxPayload) {
      throw new Error(
        `a frame of ${events.length} events is larger than the server's ${this.maxPayload} bytes: send smaller batches`,
      )
    }
    const frame: Frame = { seq, text, events: events.length, transmitted: false }
    this.unacked.set(seq, frame)
    this.pacer?.sent(frame.events)
    if (this.open) this.transmit(frame)
  }

  /** Resolves when every frame sent so far has its reply. */
  async flush(): Promise<void> {
    await this.until(() => this.unacked.size === 0)
  }

  /** Waits for every reply, then closes normally. */
  async close(): Promise<SenderStats> {
    try {
      await this.flush()
    } finally {
      this.terminate(1000)
    }
    return this.stats
  }

  /** Stops at once: frames without a reply stay counted in `inFlight`. */
  terminate(code = 1000): void {
    this.closing = true
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.close(code)
    else this.ws?.terminate()
    this.notify()
  }

  private connect(): void {
    const headers: Record<string, string> = this.options.token
      ? { Authorization: `Bearer ${this.options.token}` }
      : {}
    const ws = new WebSocket(this.options.url, { headers, perMessageDeflate: false })
    this.ws = ws
    ws.on('open', () => this.onOpen())
    ws.on('message', (data: RawData) => this.onMessage(data))
    ws.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0
      const reason = FATAL_STATUS[status]
      if (reason)
        this.fail(new Error(`${this.options.url} refused the connection: HTTP ${status}, ${reason}`))
      else this.lastError = `HTTP ${status}`
      ws.terminate()
    })
    ws.on('error', (error) => {
      this.lastError = error.message
    })
    ws.on('close', (code: number) => this.onClose(code))
  }

  private onOpen(): void {
    if (this.everOpened) {
      this.counts.reconnects++
      this.options.onNotice?.(`reconnected to ${this.options.url}`)
    }
    this.everOpened = true
    this.open = true
    this.attempt = 0
    // Map order is seq order: the server answers in the order it receives, so resends keep their order.
    for (const frame of this.unacked.values()) this.transmit(frame)
  }

  private transmit(frame: Frame): void {
    if (frame.transmitted) this.counts.resent += frame.events
    else {
      this.counts.frames++
      this.counts.sent += frame.events
    }
    frame.transmitted = true
    // A failed write surfaces as a close; the frame stays unacknowledged and goes again after reconnecting.
    this.ws?.send(frame.text, () => undefined)
  }

  private onMessage(data: RawData): void {
    let parsed: z.infer<typeof reply>
    try {
      parsed = reply.parse(JSON.parse(data.toString()))
    } catch {
      this.options.onNotice?.(`ignored a reply that is not in the protocol: ${data.toString().slice(0, 200)}`)
      return
    }
    if (parsed.type === 'hello') {
      this.maxPayload = parsed.maxPayload ?? Infinity
      return
    }
    const frame = this.unacked.get(String(parsed.seq))
    // A reply for a frame already answered (a resend that crossed its first reply) changes nothing.
    if (!frame) return
    this.unacked.delete(frame.seq)
    this.counts.acked += frame.events
    if (parsed.type === 'ack') {
      this.counts.accepted += parsed.accepted
      this.counts.duplicates += parsed.duplicates
      this.counts.rejected += parsed.rejected
    } else {
      this.counts.errors++
      this.options.onNotice?.(`frame ${frame.seq} could not be read: ${parsed.error}`)
    }
    this.notify()
  }

  private onClose(code: number): void {
    const wasOpen = this.open
    this.open = false
    if (wasOpen) this.disconnectedSince = Date.now()
    if (this.closing || this.fatal) return this.notify()
    if (code === CLOSE_TOO_BIG) {
      return this.fail(
        new Error('the server closed the connection because a frame was too big: send smaller batches'),
      )
    }
    if (Date.now() - this.disconnectedSince > this.giveUpAfterMs) {
      return this.fail(
        new Error(
          `could not reach ${this.options.url} for ${this.giveUpAfterMs / 1000} s: ${this.lastError || `closed with code ${code}`}`,
        ),
      )
    }
    const delay = Math.min(this.backoff.maxMs, this.backoff.minMs * 2 ** this.attempt++)
    if (wasOpen) this.options.onNotice?.(`connection lost (code ${code}), reconnecting`)
    else if (this.attempt === 1)
      this.options.onNotice?.(`cannot reach ${this.options.url} (${this.lastError}), retrying`)
    this.reconnectTimer = setTimeout(() => this.connect(), delay)
  }

  private fail(error: Error): void {
    this.fatal ??= error
    this.notify()
  }

  private throwIfFatal(): void {
    if (this.fatal) throw this.fatal
  }

  private notify(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const wake of waiters) wake()
  }

  /** Waits for a condition that only replies, closes or failures can change. */
  private async until(condition: () => boolean): Promise<void> {
    for (;;) {
      this.throwIfFatal()
      if (condition()) return
      if (this.closing) throw new SenderStoppedError()
      await new Promise<void>((wake) => this.waiters.push(wake))
    }
  }
}
