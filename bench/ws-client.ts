// A device-app-like WebSocket client in its own process: a few connections, each keeping a window of
// unacknowledged frames, as the protocol asks. It sends either the first events of a dataset file as fast
// as the acks allow, or live-stamped simulated events paced to a rate.
import WebSocket from 'ws'
import { createSimulation, recordToLine } from '../src/pipeline/simulator'
import { NETWORK } from './config'
import { framesOf, lines } from './datasets'

export interface ClientOptions {
  url: string
  connections: number
  /** Frames in flight per connection. */
  window: number
  frameEvents: number
  /**
   * Events of a file (after its first `skip`) as NDJSON frames, or live events at a rate as envelopes, after
   * the simulation's first `warmEvents` sent as fast as the acks allow (not counted in the result); the
   * replies of a live source are awaited `drainS` at most after the last frame is sent.
   */
  source:
    | { file: string; skip: number; events: number }
    | { rate: number; durationS: number; warmEvents: number; drainS: number }
}

export interface ClientResult {
  /** From the first frame sent to the last reply (or to the parent's stop). */
  elapsedMs: number
  frames: number
  events: number
  accepted: number
  errors: number
  /** Live source: when each frame's events were made, by its seq - 1 (epoch ms, sub-ms precision). */
  madeAt: number[]
}

interface Reply {
  type: string
  accepted?: number
}

// Epoch ms with sub-ms precision, on the same clock in every process of the machine.
const wallClock = (): number => performance.timeOrigin + performance.now()

class Connection {
  private inFlight = 0
  private readonly queue: Buffer[] = []
  private waiting: (() => void) | null = null
  accepted = 0
  errors = 0

  private constructor(
    private readonly ws: WebSocket,
    private readonly window: number,
  ) {
    ws.on('message', (data) => {
      const reply = JSON.parse(String(data)) as Reply
      if (reply.type === 'hello') return
      if (reply.type === 'ack') this.accepted += reply.accepted ?? 0
      else this.errors++
      this.inFlight--
      this.pump()
      if (this.inFlight === 0 && this.queue.length === 0) this.waiting?.()
    })
  }

  static open(url: string, window: number): Promise<Connection> {
    const ws = new WebSocket(url, { perMessageDeflate: false })
    return new Promise((resolve, reject) => {
      ws.once('error', reject)
      // The greeting comes first: the connection is ready once it arrived.
      ws.once('message', () => resolve(new Connection(ws, window)))
    })
  }

  send(frame: Buffer): void {
    this.queue.push(frame)
    this.pump()
  }

  drained(): Promise<void> {
    if (this.inFlight === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => (this.waiting = resolve))
  }

  close(): void {
    this.ws.close(1000)
  }

  private pump(): void {
    while (this.inFlight < this.window && this.queue.length > 0) {
      this.inFlight++
      this.ws.send(this.queue.shift()!)
    }
  }
}

async function run(options: ClientOptions): Promise<ClientResult> {
  const connections = await Promise.all(
    Array.from({ length: options.connections }, () => Connection.open(options.url, options.window)),
  )
  const madeAt: number[] = []
  let frames = 0
  let events = 0
  let started: number
  let drainUntil = new Promise<void>(() => {})
  if ('file' in options.source) {
    const all: Buffer[] = []
    const { file, events: count, skip } = options.source
    for await (const frame of framesOf(lines(file, count, skip), options.frameEvents)) all.push(frame)
    started = performance.now()
    all.forEach((frame, i) => connections[i % connections.length]!.send(frame))
    frames = all.length
    events = options.source.events
  } else {
    const { rate, durationS, warmEvents, drainS } = options.source
    const start = Date.now()
    const sim = createSimulation({ ...NETWORK, rate, start, clock: Date.now })
    // The opening (every online device connecting) goes in first, as the other benchmarks start after it.
    for (let i = 0; i * options.frameEvents < warmEvents; i++) {
      const batch = sim.take(options.frameEvents).map(recordToLine).join(',')
      connections[i % connections.length]!.send(Buffer.from(`{"seq":"w${i + 1}","events":[${batch}]}`))
    }
    await Promise.all(connections.map((c) => c.drained()))
    for (const c of connections) c.accepted = 0
    started = performance.now()
    // Frames fall due at the rate; each tick makes and sends what is due, stamped when it is made, as
    // envelopes whose seq is the frame's number over all connections.
    while (performance.now() - started < durationS * 1000) {
      const due = Math.floor(((performance.now() - started) / 1000) * (rate / options.frameEvents))
      for (; frames < due; frames++) {
        madeAt.push(wallClock())
        const batch = sim.take(options.frameEvents).map(recordToLine).join(',')
        connections[frames % connections.length]!.send(
          Buffer.from(`{"seq":"${frames + 1}","events":[${batch}]}`),
        )
        events += options.frameEvents
      }
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    drainUntil = new Promise((resolve) => setTimeout(resolve, drainS * 1000))
  }
  // Until every frame is answered, or the time is up (the parent's stop, or the drain's).
  const stopped = new Promise<void>((resolve) => process.once('message', () => resolve()))
  await Promise.race([Promise.all(connections.map((c) => c.drained())), stopped, drainUntil])
  const elapsedMs = performance.now() - started
  for (const c of connections) c.close()
  return {
    elapsedMs,
    frames,
    events,
    accepted: connections.reduce((n, c) => n + c.accepted, 0),
    errors: connections.reduce((n, c) => n + c.errors, 0),
    madeAt,
  }
}

const options = JSON.parse(process.argv[2] ?? '{}') as ClientOptions
run(options)
  .then((result) => process.send!(result, () => process.exit(0)))
  .catch((error: Error) => process.send!({ error: error.stack ?? error.message }, () => process.exit(1)))
