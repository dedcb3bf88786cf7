import type { GoldInput } from './gold-stage'
import type { SeenView } from './shared-seen'

/**
 * Gold folded elsewhere (a GoldWriter on a thread of its own: src/main/gold-thread.ts): the engine hands it
 * the silver rows it commits, and waits for it only when something must see all of gold. Its calls block
 * the engine's thread, never for long but a fold.
 */
export interface RemoteGold {
  /** Silver rows the engine just committed, in id order. Blocks while gold trails too far behind. */
  post(rows: readonly GoldInput[]): void
  /** Blocks until gold has folded silver up to id `upTo`; throws if gold failed meanwhile. */
  settle(upTo: number): void
  /** The last silver id gold has folded. */
  watermark(): number
  /** Blocks until gold has stopped folding: the engine writes gold itself (rebuild, retention, settings). */
  pause(): void
  /** Lets gold fold again; it reads what it keeps in memory afresh. */
  resume(): void
  /**
   * The devices' last seen in gold's memory for gold's `epoch` and `watermark` (shared-seen.ts), or null if
   * it does not hold them now (or is not shared with this thread).
   */
  seenNow?(epoch: number, watermark: number): SeenView | null
}
