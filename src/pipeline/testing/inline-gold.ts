// Test helper: gold folded elsewhere, as the app's gold thread does it (GoldFeed over a GoldWriter on a
// connection of its own), but in the calling thread: it folds what it was handed when the engine settles.
import { openDb, type Db } from '../db/open'
import { GoldFeed } from '../gold/gold-feed'
import type { GoldInput } from '../gold/gold-stage'
import { GoldWriter } from '../gold/gold-writer'
import type { RemoteGold } from '../gold/remote-gold'

export class InlineGold implements RemoteGold {
  readonly db: Db
  private readonly writer: GoldWriter
  private readonly feed: GoldFeed

  constructor(path: string, batch?: number) {
    this.db = openDb(path)
    this.writer = new GoldWriter(this.db)
    this.feed = new GoldFeed(this.writer, batch)
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
