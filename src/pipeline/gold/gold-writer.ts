// Gold folded on a connection of its own, beside the engine's (in the app, on a thread of its own:
// src/main/gold-worker.ts). Gold has a file of its own (db/gold-file.ts), so its commits do not wait for the
// engine's landing and silver, nor theirs for gold's. It folds the silver rows the engine committed, as it
// is handed them; rows it was not handed (a crash, a restart) it reads from silver. Its transactions write
// gold's file only: the database's file is read, never locked for writing.
import type { EventSpan } from '../../shared/api'
import { hull } from '../../shared/event-span'
import type { Db } from '../db/open'
import { Watermarks } from '../watermarks'
import type { ClientChanges } from './client-states'
import type { DeviceStatesLimits } from './device-states'
import { goldEpochQuery } from './gold-epoch'
import { GoldStage, type GoldInput } from './gold-stage'
import type { SeenCopy } from './shared-seen'

/** What a commit wrote that the readers take from shared memory, and the gold it is of. */
export interface GoldCommit {
  clients: ClientChanges
  /** Null when gold does not hold every device in memory. */
  devices: SeenCopy | null
  epoch: number
  watermark: number
}

export interface GoldWriterOptions {
  /** deviceStates.deferSeen: a row that lags is written within about a minute, and all before a pause. */
  deviceStates?: DeviceStatesLimits
  /**
   * After each commit that folded events: the clients' rows and devices' last seen it wrote, with gold's epoch
   * and watermark, for the readers (gold-worker.ts publishes them). Called after the commit, never for a
   * transaction that rolled back; copy the rows before the next fold.
   */
  onCommit?: (commit: GoldCommit) => void
}

/** Silver rows read per transaction when catching up from silver. */
const CATCH_UP_BATCH = 50_000

export class GoldWriter {
  private readonly gold: GoldStage
  private readonly watermarks: Watermarks
  private readonly lockGold
  private readonly silverBetween
  private readonly lastSilver
  /** Gold's data_version after our last transaction: another value says another connection wrote gold. */
  private goldVersion: number
  private folded: EventSpan | null = null
  private readonly epoch
  private readonly onCommit: GoldWriterOptions['onCommit']
  /** The next delta is a whole copy (a reader asked for one). */
  private resend = false

  constructor(
    private readonly db: Db,
    { deviceStates = {}, onCommit }: GoldWriterOptions = {},
  ) {
    this.watermarks = new Watermarks(db)
    this.gold = new GoldStage(db, this.watermarks, deviceStates)
    this.epoch = goldEpochQuery(db)
    this.onCommit = onCommit
    // A write first, so the transaction holds gold's lock from its start: a deferred one that read gold first
    // could not take it if another connection committed gold in between.
    this.lockGold = db.prepare(
      `UPDATE gold.pipeline_gold_watermarks SET last_id = last_id WHERE stage = 'gold'`,
    )
    this.silverBetween = db
      .prepare<[number, number], number>(
        'SELECT EXISTS (SELECT 1 FROM silver_events WHERE id > ? AND id < ?)',
      )
      .pluck()
    this.lastSilver = db.prepare<[], number | null>('SELECT max(id) FROM silver_events').pluck()
    // Before anything is read into memory: a write by another connection from now on is seen.
    this.goldVersion = db.pragma('gold.data_version', { simple: true }) as number
  }

  /** Reads every device's state ahead of the first fold. */
  preload(): void {
    this.gold.preload()
  }

  /** The last silver id gold has folded. */
  watermark(): number {
    return this.watermarks.get('gold')
  }

  /** The newest silver id. */
  lastSilverId(): number {
    return this.lastSilver.get() ?? 0
  }

  /**
   * Folds silver rows committed after gold's watermark, in id order, in one transaction; rows before them that
   * it was not handed are read from silver first, and rows already folded are skipped. Returns the events
   * folded.
   */
  fold(rows: readonly GoldInput[]): number {
    return this.write(() => {
      const watermark = this.watermarks.get('gold')
      const fresh = rows[0] && rows[0].id > watermark ? rows : rows.filter((r) => r.id > watermark)
      if (fresh.length === 0) return 0
      // Some silver rows were never handed over: read them all from silver, in order.
      if (this.silverBetween.get(watermark, fresh[0]!.id)) return this.advanceTo(fresh.at(-1)!.id)
      this.gold.fold(fresh)
      return fresh.length
    })
  }

  /** Writes the devices' rows that lag their states (deviceStates.deferSeen), in a transaction of its own. */
  checkpoint(): void {
    this.write(() => {
      this.gold.checkpoint()
      return 0
    })
  }

  /**
   * Folds silver up to id `upTo` (its newest row by default), reading it from silver, in transactions of
   * CATCH_UP_BATCH events, at most `limit` events. Returns the events folded.
   */
  catchUp(upTo = this.lastSilverId(), limit = Infinity): number {
    let folded = 0
    while (folded < limit) {
      const count = this.write(() => this.advanceTo(upTo, Math.min(CATCH_UP_BATCH, limit - folded)))
      folded += count
      if (count === 0) break
    }
    return folded
  }

  /** The event time of the events folded since the last call (null for none), and starts again. */
  takeFoldedSpan(): EventSpan | null {
    const span = this.folded
    this.folded = null
    return span
  }

  /** Publishes every client's row with the next commit, rather than what it changed. */
  resendShared(): void {
    this.resend = true
  }

  /** Drops what is kept in memory of gold (after a failed transaction: memory may be ahead of gold). */
  forget(): void {
    this.gold.forget()
  }

  /** Folds silver rows after the watermark up to id `upTo`, at most `limit` of them. */
  private advanceTo(upTo: number, limit = Infinity): number {
    let folded = 0
    while (folded < limit) {
      const watermark = this.watermarks.get('gold')
      if (watermark >= upTo) break
      const count = this.gold.advanceTo(upTo, Math.min(limit - folded, CATCH_UP_BATCH))
      if (count === 0) break
      folded += count
    }
    return folded
  }

  private write(fn: () => number): number {
    // The shared rows are taken inside the transaction (what it holds), and published once it is committed.
    let changes: GoldCommit | null = null
    let count: number
    try {
      count = this.db.transaction(() => {
        this.lockGold.run()
        const version = this.db.pragma('gold.data_version', { simple: true }) as number
        if (version !== this.goldVersion) this.gold.forget()
        this.goldVersion = version
        const folded = fn()
        const span = this.gold.takeFolded()
        if (span) this.folded = hull(this.folded, span)
        if (this.onCommit && folded > 0)
          changes = {
            clients: this.gold.takeClientChanges(this.resend),
            devices: this.gold.seenCopy(),
            epoch: this.epoch(),
            watermark: this.watermarks.get('gold'),
          }
        return folded
      })()
    } catch (error) {
      this.forget()
      throw error
    }
    if (changes) {
      this.resend = false
      this.onCommit!(changes)
    }
    return count
  }
}
