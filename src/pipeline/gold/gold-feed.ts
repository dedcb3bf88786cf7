// What gold folded elsewhere has been handed and asked for, and the next piece of work: the policy of gold's
// thread (src/main/gold-worker.ts), kept apart from its messages so that tests run it in one thread.
import type { GoldInput } from './gold-stage'
import type { GoldWriter } from './gold-writer'

/**
 * Events folded per transaction at most. Gold folds what waits for it at once: the more a fold takes, the
 * fewer times it rewrites each device's and client's rows (docs/benchmarks.md, Engine v2, the tenth steps).
 */
export const FEED_BATCH = 200_000

export class GoldFeed {
  private queue: (readonly GoldInput[])[] = []
  private queued = 0
  /** The silver id gold must reach even if it was not handed the rows (a settle, a start after a crash). */
  private wanted = 0
  private pausedNow = false

  constructor(
    private readonly writer: GoldWriter,
    private readonly batch = FEED_BATCH,
  ) {}

  /** Silver rows the engine committed, in id order. */
  add(rows: readonly GoldInput[]): void {
    if (this.pausedNow || rows.length === 0) return
    this.queue.push(rows)
    this.queued += rows.length
  }

  /** Asks gold to reach silver id `upTo`, reading silver for what it was not handed. */
  want(upTo: number): void {
    this.wanted = Math.max(this.wanted, upTo)
  }

  /**
   * Stops folding. What was handed is dropped: the engine is about to write gold or silver itself (a rebuild
   * reuses silver ids), and gold reads from silver whatever it still lacks afterwards.
   */
  pause(): void {
    // The devices' rows are made whole first: the engine's write makes gold read its states again, and what
    // they lack would otherwise be replayed from silver (seen-replay.ts).
    try {
      this.writer.checkpoint()
    } catch (error) {
      console.error(`vigia gold: writing the devices' rows failed: ${(error as Error).message}`)
    }
    this.pausedNow = true
    this.queue = []
    this.queued = 0
    this.wanted = 0
  }

  /** Folds again; what the engine wrote to gold meanwhile, the writer's next fold sees (GoldWriter.write). */
  resume(): void {
    this.pausedNow = false
  }

  get paused(): boolean {
    return this.pausedNow
  }

  /** Whether there is work: rows handed over, or silver to reach. */
  get idle(): boolean {
    return this.pausedNow || (this.queued === 0 && this.wanted <= this.writer.watermark())
  }

  /**
   * Does one transaction's work: folds the rows handed over (whole hand-overs, up to the batch), else reads
   * silver toward what is wanted. Returns the events folded. A failure drops the rows taken: gold reads them
   * from silver when it is asked for them again.
   */
  step(): number {
    if (this.pausedNow) return 0
    if (this.queued > 0) {
      const rows: GoldInput[] = []
      while (
        this.queue.length > 0 &&
        (rows.length === 0 || rows.length + this.queue[0]!.length <= this.batch)
      ) {
        const next = this.queue.shift()!
        this.queued -= next.length
        for (const row of next) rows.push(row)
      }
      this.wanted = Math.max(this.wanted, rows.at(-1)!.id)
      return this.writer.fold(rows)
    }
    if (this.wanted > this.writer.watermark()) return this.writer.catchUp(this.wanted, this.batch)
    return 0
  }
}
