// The engine's side of gold's thread (gold-worker.ts): the RemoteGold the engine folds through in the app.
// Its waits block the engine's thread on shared memory (Atomics.wait): the engine's calls are synchronous,
// and gold's thread needs nothing from the engine's event loop to get on.
import type { Worker } from 'node:worker_threads'
import type { GoldInput } from '../pipeline/gold/gold-stage'
import type { RemoteGold } from '../pipeline/gold/remote-gold'
import type { EventSpan } from '../shared/api'
import type { EngineToGold, GoldToEngine } from './gold-protocol'
import {
  SharedSeen,
  SharedSeenWriter,
  type SeenView,
  type SharedSeenBuffers,
} from '../pipeline/gold/shared-seen'
import { GoldShared } from './gold-shared'
import { spawnWorker } from './worker-client'

/**
 * Events handed over and not folded yet past which the engine waits for gold (down to half of it): memory
 * stays bounded, and a feed faster than gold is slowed at the acknowledgement, not queued without end. About
 * a second of a busy feed: with 100,000 the acknowledgements ran far ahead of gold, whose answers came 21.7 s
 * late at the 99th percentile at 20,000 events/s instead of 5.9 s (docs/benchmarks.md, the tenth steps).
 */
export const MAX_BEHIND = 20_000

/** A wait that sees gold make no progress for this long fails rather than hold the engine for ever. */
const STALL_MS = 120_000

export interface GoldThreadOptions {
  /** Each fold's event time, on the engine's event loop. */
  onFolded: (span: EventSpan | null) => void
  /** Gold's thread stopped (it never does but by a fault). */
  onExit: (code: number) => void
  maxBehind?: number
}

export class GoldThread implements RemoteGold {
  private posted = 0
  private readonly maxBehind: number
  private readonly onExit: (code: number) => void

  /** The devices' last seen in gold's memory (shared-seen.ts), which the alert rules read. */
  private readonly seen = new SharedSeen()

  private constructor(
    private readonly worker: Worker,
    private readonly shared: GoldShared,
    seenBuffers: SharedSeenBuffers,
    options: GoldThreadOptions,
  ) {
    this.seen.attach(seenBuffers)
    this.maxBehind = options.maxBehind ?? MAX_BEHIND
    worker.on('message', (message: GoldToEngine) => {
      if (message.kind === 'folded') options.onFolded(message.span)
    })
    this.onExit = options.onExit
    worker.on('exit', this.onExit)
  }

  /** Starts gold's thread on the database at `dbPath` and waits until it has read gold's states. */
  static start(dbPath: string, options: GoldThreadOptions): Promise<GoldThread> {
    const shared = new GoldShared()
    // Made here, so that the engine holds them before gold's first commit.
    const seen = SharedSeenWriter.allocate()
    const worker = spawnWorker('gold-worker', { dbPath, shared: shared.buffer, seen })
    return new Promise((resolve, reject) => {
      const early = (code: number) =>
        reject(new Error(`gold's thread exited with code ${code} before it was ready`))
      worker.once('exit', early)
      worker.once('error', reject)
      const onMessage = (message: GoldToEngine) => {
        if (message.kind === 'fatal') reject(new Error(message.message))
        if (message.kind !== 'ready') return
        worker.off('message', onMessage)
        worker.off('exit', early)
        resolve(new GoldThread(worker, shared, seen, options))
      }
      worker.on('message', onMessage)
    })
  }

  post(rows: readonly GoldInput[]): void {
    if (rows.length === 0) return
    this.send({ kind: 'rows', rows })
    this.posted = Math.max(this.posted, rows.at(-1)!.id)
    if (this.posted - this.watermark() <= this.maxBehind) return
    // Failing gold must not fail a committed flush: the wait ends, and the rows wait in gold's queue.
    this.wait(() => this.shared.failed() || this.posted - this.watermark() <= this.maxBehind / 2, 'catch up')
  }

  settle(upTo: number): void {
    if (this.watermark() >= upTo) return
    this.send({ kind: 'settle', upTo })
    this.wait(() => {
      if (this.shared.failed()) throw new Error("gold's thread failed to fold; it retries (see its log)")
      return this.watermark() >= upTo
    }, `fold silver up to id ${upTo}`)
  }

  watermark(): number {
    return this.shared.watermark()
  }

  seenNow(epoch: number, watermark: number): SeenView | null {
    return this.seen.open(epoch, watermark)
  }

  pause(): void {
    this.send({ kind: 'pause' })
    this.wait(() => this.shared.paused(), 'pause')
  }

  resume(): void {
    this.send({ kind: 'resume' })
    // Its watermark, once it says it resumed, is gold's as the engine left it.
    this.wait(() => !this.shared.paused(), 'resume')
    this.posted = this.watermark()
  }

  /** Stops gold's thread: an exit asked for is not a fault (`onExit` is not called). */
  stop(): Promise<number> {
    this.worker.off('exit', this.onExit)
    return this.worker.terminate()
  }

  private send(message: EngineToGold): void {
    this.worker.postMessage(message)
  }

  private wait(done: () => boolean, what: string): void {
    this.shared.waitUntil(
      done,
      STALL_MS,
      () => new Error(`gold's thread did not ${what}: no progress in ${STALL_MS / 1000} s`),
    )
  }
}
