// The engine owns the only writable connection. Everything received goes in through it, one transaction
// per flush: landing (and bronze, for a file's records), then silver and gold from the records in hand, so
// nothing is read back.
// When silver or gold are behind their watermarks (a rebuild, an older database), they catch up first by
// reading the layer below, in batches.
import { AlertEvaluator } from './alerts/evaluator'
import { BronzeWriter } from './bronze/bronze-writer'
import { splitFrame, type RawRecord } from './bronze/records'
import { frameRecords, type SourceRecord } from './bronze/source-records'
import { openDb, type Db } from './db/open'
import { GoldStage } from './gold/gold-stage'
import { goldTableNames } from './gold/tables'
import { LandingWriter, type LandingPayload } from './landing/landing-writer'
import { applyRetention, layerSizes, type LayerSize } from './retention'
import { SettingsStore } from './settings-store'
import { SilverStage, type PayloadOutcome } from './silver/silver-stage'
import { Watermarks } from './watermarks'
import type { EventSpan } from '../shared/api'
import type { PipelineSettings, SettingsPatch } from '../shared/settings'

export interface IncomingFrame {
  source: string
  /** The client's frame sequence, if it chose one. */
  seq: string | null
  receivedAt: number
  bytes: Uint8Array
}

export interface FrameResult extends PayloadOutcome {
  landingId: number
  seq: string | null
  /** Set when the frame could not be split into records at all. */
  error: string | null
}

export interface FileBatch {
  chunks: { index: number; payload: LandingPayload }[]
  records: (RawRecord & { chunk: number })[]
  receivedAt: number
}

// Records per catch-up transaction: larger batches rewrite each hot page (devices, clients) less often.
const STAGE_BATCH = 50_000

const emptyOutcome = (): PayloadOutcome => ({ accepted: 0, duplicates: 0, rejected: 0, rejects: [] })

export class Engine {
  readonly settings: SettingsStore
  private readonly landing: LandingWriter
  private readonly bronze: BronzeWriter
  private readonly watermarks: Watermarks
  private readonly silver: SilverStage
  private readonly gold: GoldStage
  private readonly alerts: AlertEvaluator
  private readonly lastIds
  private dataVersion = -1

  constructor(readonly db: Db) {
    this.settings = new SettingsStore(db)
    this.landing = new LandingWriter(db)
    this.bronze = new BronzeWriter(db)
    this.watermarks = new Watermarks(db)
    this.silver = new SilverStage(db, this.watermarks)
    this.gold = new GoldStage(db, this.watermarks)
    this.alerts = new AlertEvaluator(db, this.watermarks)
    this.lastIds = db.prepare<[], { landing: number | null; bronze: number | null; silver: number | null }>(
      `SELECT (SELECT max(id) FROM landing_payloads) AS landing, (SELECT max(id) FROM bronze_records) AS bronze,
         (SELECT max(id) FROM silver_events) AS silver`,
    )
  }

  static open(path: string): Engine {
    return new Engine(openDb(path))
  }

  close(): void {
    this.db.close()
  }

  /** Lands a batch of frames and carries them to gold in one transaction: one result per frame. */
  ingestFrames(frames: readonly IncomingFrame[]): FrameResult[] {
    const { landed, outcomes } = this.landAndRefine(() => {
      const rows: SourceRecord[] = []
      const landed = frames.map((frame) => {
        const split = splitFrame(frame.bytes)
        const error = split.ok ? null : split.error
        // An envelope's own seq names the frame; otherwise the one the host gave it.
        const seq = split.seq ?? frame.seq
        const landingId = this.landing.insert({ ...frame, seq, kind: 'frame', error })
        // Landing's bytes are the frame's bronze: its records are not copied (source-records.ts).
        if (split.ok) rows.push(...frameRecords(landingId, frame.receivedAt, split.records))
        return { landingId, seq, error }
      })
      return { landed, rows }
    })
    return landed.map((l) => ({ ...l, ...(outcomes.get(l.landingId) ?? emptyOutcome()) }))
  }

  /**
   * Lands newly read file chunks and the records parsed so far, and carries them to gold, in one
   * transaction. A record names the chunk (by its index in the file) that was being read when it was
   * parsed: one of `chunks`, or one landed by an earlier call, whose landing id is in `landedIds`. Returns
   * the landing ids of `chunks` and the silver outcome per landing payload.
   */
  landFileBatch(
    batch: FileBatch,
    landedIds: ReadonlyMap<number, number>,
  ): { ids: Map<number, number>; outcomes: Map<number, PayloadOutcome> } {
    const { landed, outcomes } = this.landAndRefine(() => {
      const ids = new Map<number, number>()
      for (const { index, payload } of batch.chunks) ids.set(index, this.landing.insert(payload))
      const after = this.landing.lastId()
      const rows: SourceRecord[] = []
      for (const r of batch.records) {
        const landingId = ids.get(r.chunk) ?? landedIds.get(r.chunk)
        if (landingId === undefined)
          throw new Error(`record at line ${r.line} names chunk ${r.chunk}, never landed`)
        rows.push(...this.bronze.insert(landingId, batch.receivedAt, [r], after))
      }
      return { landed: ids, rows }
    })
    return { ids: landed, outcomes }
  }

  /**
   * Runs `land` (landing and bronze writes) in one transaction and, when silver and gold were up to date,
   * refines the records it wrote in the same transaction; otherwise the stages catch up after it.
   */
  private landAndRefine<T>(land: () => { landed: T; rows: SourceRecord[] }): {
    landed: T
    outcomes: Map<number, PayloadOutcome>
  } {
    const { landed, outcomes } = this.write((caughtUp) => {
      const { landed, rows } = land()
      return { landed, outcomes: caughtUp ? this.refine(rows) : null }
    })
    if (!outcomes) return { landed, outcomes: this.advance() }
    this.judgeAlerts()
    return { landed, outcomes }
  }

  /** Advances silver then gold from their watermarks until both are up to date. Returns the silver outcome per landing payload. */
  advance(): Map<number, PayloadOutcome> {
    // Gold first catches up with silver written without it (a database from before single-transaction flushes).
    while (this.write(() => this.gold.advance(STAGE_BATCH)) === STAGE_BATCH);
    const all = new Map<number, PayloadOutcome>()
    const context = this.settings.normalizeContext()
    for (;;) {
      const { more, outcomes } = this.write(() => {
        const batch = this.silver.advance(context, STAGE_BATCH)
        this.gold.fold(batch.accepted)
        return batch
      })
      for (const [landingId, o] of outcomes) {
        const total = all.get(landingId)
        if (!total) {
          all.set(landingId, o)
          continue
        }
        // A payload split over two silver batches: its later records come after the earlier ones.
        const before = total.accepted + total.duplicates + total.rejected
        total.rejects.push(...o.rejects.map((r) => ({ ...r, index: r.index + before })))
        total.accepted += o.accepted
        total.duplicates += o.duplicates
        total.rejected += o.rejected
      }
      if (!more) break
    }
    this.judgeAlerts()
    return all
  }

  /**
   * After a flush has committed, a failing alert rule must not fail the flush: its caller would resend
   * records that are already in. The minutes not judged are judged by the next call or the worker's
   * catch-up (engine-worker.ts), which retries.
   */
  private judgeAlerts(): void {
    try {
      this.evaluateAlerts()
    } catch (error) {
      console.error(`vigia: alert rules failed, will retry: ${(error as Error).message}`)
    }
  }

  /**
   * Runs the alert rules over the event-time minutes not judged yet, for about `budgetMs` (at least one
   * minute). Returns minutes left.
   */
  evaluateAlerts(now = Date.now(), budgetMs?: number): number {
    return this.alerts.run(this.settings.get(), now, budgetMs)
  }

  /**
   * Recomputes silver and gold from what was received (frames from landing, files from bronze); gives the
   * same answers as the incremental path. Returns when the oldest record read was received (null when there
   * is none): older history is gone.
   */
  rebuild(): number | null {
    this.db.transaction(() => {
      for (const table of ['silver_events', 'silver_quarantine', 'silver_duplicates', ...goldTableNames()]) {
        this.db.prepare(`DELETE FROM ${table}`).run()
      }
      // Silver ids start again from 1, as in a fresh database: gold is rebuilt from its watermark 0 anyway.
      this.db.prepare(`DELETE FROM sqlite_sequence WHERE name = 'silver_events'`).run()
      this.watermarks.set('silver', 0)
      this.watermarks.set('silver-landing', 0)
      this.watermarks.set('gold', 0)
    })()
    this.gold.forget()
    this.advance()
    const oldest = this.db
      .prepare<[], number | null>(
        `SELECT min(t) FROM (SELECT min(received_at) AS t FROM landing_payloads WHERE kind = 'frame'
           UNION ALL SELECT min(received_at) FROM bronze_records)`,
      )
      .pluck()
      .get()
    return oldest ?? null
  }

  /** Silver and gold from records just landed, in the same transaction. */
  private refine(rows: readonly SourceRecord[]): Map<number, PayloadOutcome> {
    const context = this.settings.normalizeContext()
    const { outcomes, accepted } = this.silver.process(rows, context, this.landing.lastId())
    this.gold.fold(accepted)
    return outcomes
  }

  /**
   * Runs `fn` in a transaction, telling it whether silver and gold were up to date when it began (so that
   * records it writes can be refined at once). Gold's in-memory state is dropped when the transaction
   * rolls back or another connection has written to the file since our last look.
   */
  private write<T>(fn: (caughtUp: boolean) => T): T {
    try {
      // IMMEDIATE takes the write lock at BEGIN: no other connection can commit between the look at
      // data_version and our writes (and a busy file is waited for, not failed on, at the first write).
      return this.db
        .transaction(() => {
          const version = this.db.pragma('data_version', { simple: true }) as number
          if (version !== this.dataVersion) {
            this.gold.forget()
            this.dataVersion = version
          }
          return fn(this.caughtUp())
        })
        .immediate()
    } catch (error) {
      this.gold.forget()
      throw error
    }
  }

  private caughtUp(): boolean {
    const last = this.lastIds.get()!
    return (
      (last.landing ?? 0) <= this.watermarks.get('silver-landing') &&
      (last.bronze ?? 0) <= this.watermarks.get('silver') &&
      (last.silver ?? 0) <= this.watermarks.get('gold')
    )
  }

  /**
   * The event time of the events folded into gold since the last call, null for none: what time series
   * could have changed in. A rebuild, retention or a settings change can change anything, and say so
   * themselves.
   */
  takeFoldedSpan(): EventSpan | null {
    return this.gold.takeFolded()
  }

  applyRetention(now = Date.now()): Record<string, number> {
    return applyRetention(this.db, this.settings.get().retentionDays, now)
  }

  layerSizes(): LayerSize[] {
    return layerSizes(this.db)
  }

  updateSettings(patch: SettingsPatch): PipelineSettings {
    return this.settings.update(patch)
  }
}
