// Test helper: gold folded elsewhere, as the app's gold thread does it (GoldFeed over a GoldWriter on a
// connection of its own), but in the calling thread: it folds what it was handed when the engine settles.
import { openDb, type Db } from '../db/open'
import { GoldFeed } from '../gold/gold-feed'
import type { GoldInput } from '../gold/gold-stage'
import type { GoldWriterOptions } from '../gold/gold-writer'
import { GoldWriter } from '../gold/gold-writer'
import type { RemoteGold } from '../gold/remote-gold'

export class InlineGold implements RemoteGold {
  readonly db: Db
  private readonly writer: GoldWriter
  private readonly feed: GoldFeed

  /** `onCommit`: what each commit wrote, as gold's thread publishes it to the readers. */
  constructor(
    path: string,
    batch?: number,
    onCommit?: GoldWriterOptions['onCommit'],
    deviceStates?: GoldWriterOptions['deviceStates'],
  ) {
    this.db = openDb(path)
    this.writer = new GoldWriter(this.db, { onCommit, deviceStates })
    this.feed = new GoldFeed(this.writer, batch)
  }

  /** Writes the devices' rows that lag their states (deviceStates.deferSeen). */
  checkpoint(): void {
    this.writer.checkpoint()
  }

  /** Every client's row and device's last seen with the next commit (a reader asked for them). */
  resendShared(): void {
    this.writer.resendShared()
  }

  post(rows: readonly GoldInput[]): void {
    this.feed.add(rows)
  }

  settle(upTo: number): void {
    this.feed.want(upTo)
    while (!this.feed.idle) this.feed.step()
  }

  watermark(): number {
    return this.writer.watermark()
  }

  pause(): void {
    this.feed.pause()
  }

  resume(): void {
    this.feed.resume()
  }

  close(): void {
    this.db.close()
  }
}
