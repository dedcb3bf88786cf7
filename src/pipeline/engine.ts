// The engine owns the only writable connection. Everything received goes in through it, one transaction
// per flush: landing (and bronze, for a file's records), then silver from the records in hand, so nothing
// is read back. Gold is folded from the silver rows in hand too: in the same transaction, or, with a lag
// (EngineOptions), in transactions of its own that take many flushes at once. When silver or gold are
// behind their watermarks (a rebuild, a crash while gold trailed, an older database), they catch up by
// reading the layer below, in batches.
import { AlertEvaluator } from './alerts/evaluator'
import { BronzeWriter } from './bronze/bronze-writer'
import { splitFrame, type RawRecord } from './bronze/records'
import { frameRecords, type SourceRecord } from './bronze/source-records'
import { openDb, type Db } from './db/open'
import { GOLD_EPOCH_SQL, bumpGoldEpoch } from './gold/gold-epoch'
import { GOLD_WATERMARK_SQL } from './silver/event-time'
import { GoldStage, type GoldInput } from './gold/gold-stage'
import { ensureConnectedSeries } from './gold/connected-series'
import { recoverDeviceSeen } from './gold/seen-replay'
import { SEEN_BEHIND_SQL } from './gold/seen-marker'
import { readThroughSeen } from './db/device-seen'
import { seenViewOf } from './gold/shared-seen'
import type { DeviceStatesLimits } from './gold/device-states'
import type { RemoteGold } from './gold/remote-gold'
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

export interface EngineOptions {
  /**
   * How long an accepted event may wait for gold. 0 folds it into gold in its flush's own transaction;
   * above 0, a flush commits landing, bronze and silver (all an acknowledgement needs) and gold folds the
   * accepted events later, in transactions of its own (`foldDueGold`, `settleGold`).
   */
  goldLagMs?: number
  /** Events gold folds per transaction, and the most a flush leaves waiting for gold. */
  goldBatch?: number
  /** How many device states gold keeps in memory (device-states.ts); tests make them few. */
  deviceStates?: DeviceStatesLimits
  /**
   * Gold folded elsewhere, on a connection and a thread of its own (the app's): a flush commits landing,
   * bronze and silver and hands the accepted rows over; `goldLagMs` and `goldBatch` do not apply.
   */
  remoteGold?: RemoteGold
}

export class Engine {
  readonly settings: SettingsStore
  private readonly landing: LandingWriter
  private readonly bronze: BronzeWriter
  private readonly watermarks: Watermarks
  private readonly silver: SilverStage
  private readonly gold: GoldStage
  private readonly alerts: AlertEvaluator
  private readonly lastIds
  private readonly lockMain
  private readonly goldNewest
  private readonly goldNow
  private dataVersion: number
  private readonly goldLagMs: number
  private readonly goldBatch: number
  private readonly remote: RemoteGold | null
  /**
   * Silver rows accepted and committed but not folded yet, in id order: exactly the silver rows after
   * gold's watermark. Dropped whenever that may no longer hold (a rollback, another writer's commit, a
   * rebuild); gold then catches up by reading silver.
   */
  private pending: GoldInput[] = []
  /** When the oldest pending row was accepted (epoch ms). */
  private pendingSince = 0
  /** Gold may trail silver by rows not in `pending`: the next fold reads them from silver. */
  private goldBehind: boolean

  constructor(
    readonly db: Db,
    options: EngineOptions = {},
  ) {
    this.goldLagMs = options.goldLagMs ?? 0
    this.goldBatch = options.goldBatch ?? STAGE_BATCH
    this.remote = options.remoteGold ?? null
    if (!(this.goldLagMs >= 0)) throw new Error(`goldLagMs must be 0 or more, not ${this.goldLagMs}`)
    if (!(this.goldBatch >= 1)) throw new Error(`goldBatch must be 1 or more, not ${this.goldBatch}`)
    // Unknown until the first fold looks (a crash may have left gold behind); never with gold in each flush.
    this.goldBehind = this.goldLagMs > 0 && this.remote === null
    this.settings = new SettingsStore(db)
    this.landing = new LandingWriter(db)
    this.bronze = new BronzeWriter(db)
    this.watermarks = new Watermarks(db)
    // The devices' rows a crash left lagging gold's memory are made whole before anything counts from them.
    recoverDeviceSeen(db)
    ensureConnectedSeries(db, this.settings.get().idleTimeoutMin)
    this.silver = new SilverStage(db, this.watermarks)
    this.gold = new GoldStage(db, this.watermarks, options.deviceStates)
    this.alerts = new AlertEvaluator(db, this.watermarks)
    this.lastIds = db.prepare<[], { landing: number | null; bronze: number | null; silver: number | null }>(
      `SELECT (SELECT max(id) FROM landing_payloads) AS landing, (SELECT max(id) FROM bronze_records) AS bronze,
         (SELECT max(id) FROM silver_events) AS silver`,
    )
    this.goldNewest = db.prepare<[], number>('SELECT newest_sec FROM gold_live WHERE id = 1').pluck()
    this.goldNow = db.prepare<[], { watermark: number; epoch: number; behind: number }>(
      `SELECT ${GOLD_WATERMARK_SQL} AS watermark, ${GOLD_EPOCH_SQL} AS epoch, ${SEEN_BEHIND_SQL} AS behind`,
    )
    this.lockMain = db.prepare(`UPDATE main.pipeline_watermarks SET last_id = last_id WHERE stage = 'silver'`)
    // Gold reads the devices' states now rather than in the first flush. The version is read first: a commit
    // of another connection in between makes the first write forget them, never trust them.
    this.dataVersion = db.pragma('data_version', { simple: true }) as number
    // Gold folded elsewhere keeps the states there.
    if (!this.remote) this.gold.preload()
  }

  static open(path: string, options: EngineOptions = {}): Engine {
    return new Engine(openDb(path), options)
  }

  /** Folds what gold still owes, then closes the connection. */
  close(): void {
    try {
      this.settleGold()
    } finally {
      this.db.close()
    }
  }

  /**
   * Lands a batch of frames and carries them to silver in one transaction, and to gold in the same one or,
   * with a lag, later: one result per frame.
   */
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
   * Lands newly read file chunks and the records parsed so far, and carries them to silver in one
   * transaction (and to gold as `ingestFrames` does). A record names the chunk (by its index in the file)
   * that was being read when it was parsed: one of `chunks`, or one landed by an earlier call, whose
   * landing id is in `landedIds`. Returns the landing ids of `chunks` and the silver outcome per landing
   * payload.
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
   * Runs `land` (landing and bronze writes) in one transaction and, when silver was up to date, refines the
   * records it wrote in the same transaction: into silver, and into gold too when gold has no lag and was
   * up to date; otherwise the stages catch up after it. With a lag, the accepted rows wait in memory for
   * gold, unless gold trails silver by rows it must read back anyway.
   */
  private landAndRefine<T>(land: () => { landed: T; rows: SourceRecord[] }): {
    landed: T
    outcomes: Map<number, PayloadOutcome>
  } {
    const lag = this.goldLagMs > 0 || this.remote !== null
    const { landed, refined } = this.write((caughtUp) => {
      const { landed, rows } = land()
      if (!caughtUp.silver || (!lag && !caughtUp.gold)) return { landed, refined: null }
      const { outcomes, accepted } = this.silver.process(
        rows,
        this.settings.normalizeContext(),
        this.landing.lastId(),
      )
      if (!lag) this.gold.fold(accepted)
      return { landed, refined: { outcomes, accepted, inHand: caughtUp.gold } }
    })
    if (!refined) return { landed, outcomes: this.advance() }
    if (!lag) {
      this.judgeAlerts()
      return { landed, outcomes: refined.outcomes }
    }
    if (this.remote) {
      // Committed: gold may have them.
      if (refined.accepted.length > 0) this.remote.post(refined.accepted)
      return { landed, outcomes: refined.outcomes }
    }
    // Kept only once committed: a row of a transaction that rolled back is not in silver.
    this.goldBehind = !refined.inHand
    if (refined.inHand && refined.accepted.length > 0) {
      if (this.pending.length === 0) this.pendingSince = Date.now()
      for (const row of refined.accepted) this.pending.push(row)
    }
    // A bounded backlog: a feed faster than the lag lets through is folded here, so memory stays flat. The
    // flush is committed: a failing fold must not fail it (its caller would resend), and is tried again
    // from silver by the next one.
    if (this.pending.length >= this.goldBatch) {
      try {
        this.settleGold()
      } catch (error) {
        console.error(`vigia: gold failed to fold, will retry: ${(error as Error).message}`)
      }
    }
    return { landed, outcomes: refined.outcomes }
  }

  /**
   * Folds gold if it is due: events have waited `goldLagMs` since the oldest pending one was accepted, or
   * `goldBatch` of them are waiting, or gold trails silver by rows not in memory. The engine's worker calls
   * it on a timer. Returns the events folded.
   */
  foldDueGold(now = Date.now()): number {
    if (this.remote) return 0
    const due =
      this.goldBehind ||
      (this.pending.length > 0 &&
        (this.pending.length >= this.goldBatch || now - this.pendingSince >= this.goldLagMs))
    return due ? this.settleGold() : 0
  }

  /**
   * Folds everything gold owes now, then judges the alert rules: whatever must see all of gold (close,
   * rebuild, retention, settings, the end of an import) settles first. Returns the events folded.
   */
  settleGold(): number {
    if (this.remote) {
      const before = this.remote.watermark()
      this.remote.settle(this.lastSilverId())
      this.judgeAlerts()
      return this.remote.watermark() - before
    }
    if (this.pending.length === 0 && !this.goldBehind) return 0
    const folded = this.foldGold()
    this.judgeAlerts()
    return folded
  }

  /** Gold up to silver's last row, in transactions of `goldBatch` events: the pending rows, then silver's. */
  private foldGold(): number {
    let folded = 0
    for (;;) {
      const { count, fromSilver } = this.write(() => {
        if (this.pending.length === 0) return { count: this.gold.advance(this.goldBatch), fromSilver: true }
        const rows = this.pending.splice(0, this.goldBatch)
        this.gold.fold(rows)
        return { count: rows.length, fromSilver: false }
      })
      folded += count
      // Read from silver, a short batch is its end; pending rows are all of silver past the watermark.
      if (fromSilver ? count < this.goldBatch : this.pending.length === 0 && !this.goldBehind) break
    }
    this.goldBehind = false
    return folded
  }

  /** Advances silver then gold from their watermarks until both are up to date. Returns the silver outcome per landing payload. */
  advance(): Map<number, PayloadOutcome> {
    // Gold first catches up with silver written without it (its lag, a crash while it trailed, a database
    // from before single-transaction flushes); gold folded elsewhere catches up there.
    if (this.remote) this.remote.settle(this.lastSilverId())
    else if (this.goldLagMs > 0) this.foldGold()
    else while (this.write(() => this.gold.advance(STAGE_BATCH)) === STAGE_BATCH);
    const all = new Map<number, PayloadOutcome>()
    const context = this.settings.normalizeContext()
    for (;;) {
      const { more, outcomes, accepted } = this.write(() => {
        const batch = this.silver.advance(context, STAGE_BATCH)
        if (!this.remote) this.gold.fold(batch.accepted)
        return batch
      })
      if (this.remote && accepted.length > 0) this.remote.post(accepted)
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
   * minute). Returns minutes left. The rules read gold up to silver's newest event: while gold trails silver
   * they wait (and 0 is returned) for the fold that catches it up, which runs them. Gold folded elsewhere is
   * judged up to its own newest second, after each of its folds (the engine's worker calls this).
   */
  evaluateAlerts(now = Date.now(), budgetMs?: number): number {
    if (this.pending.length > 0 || this.goldBehind) return 0
    // Gold folded elsewhere trails silver by what it folds next: the minutes before its newest second are whole.
    if (this.remote) {
      const newest = this.goldNewest.get()
      if (newest === undefined) return 0
      return (
        this.asOfRemoteGold(() => this.alerts.run(this.settings.get(), now, budgetMs, (newest - 1) * 1000)) ??
        0
      )
    }
    return this.alerts.run(this.settings.get(), now, budgetMs)
  }

  /**
   * Runs `read` in a transaction that reads gold folded elsewhere as it is: the devices' last seen from gold's
   * memory (shared-seen.ts) while its rows lag them. Null, and nothing written, when gold's memory does not
   * hold this transaction's gold (it committed meanwhile): the caller tries again later.
   */
  private asOfRemoteGold<T>(read: () => T): T | null {
    const moved = new Error('gold moved')
    try {
      return this.db.transaction(() => {
        const { watermark, epoch, behind } = this.goldNow.get()!
        const view = seenViewOf(this.remote?.seenNow?.(epoch, watermark) ?? null, behind)
        const answer = readThroughSeen(this.db, view, read)
        if (!answer) throw moved
        return answer.result
      })()
    } catch (error) {
      if (error === moved) return null
      throw error
    }
  }

  /**
   * Recomputes silver and gold from what was received (frames from landing, files from bronze); gives the
   * same answers as the incremental path. Returns when the oldest record read was received (null when there
   * is none): older history is gone.
   */
  rebuild(): number | null {
    // The rows waiting for gold name silver ids the rebuild deletes.
    this.dropPending()
    this.withGoldPaused(() => this.emptySilverAndGold())
    this.gold.forget()
    this.advance()
    if (this.remote) this.settleGold()
    const oldest = this.db
      .prepare<[], number | null>(
        `SELECT min(t) FROM (SELECT min(received_at) AS t FROM landing_payloads WHERE kind = 'frame'
           UNION ALL SELECT min(received_at) FROM bronze_records)`,
      )
      .pluck()
      .get()
    return oldest ?? null
  }

  /** Empties silver and gold, and their watermarks, for a rebuild. */
  private emptySilverAndGold(): void {
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
  }

  /**
   * Runs `fn` in a transaction, telling it whether silver and gold were up to date when it began (so that
   * records it writes can be refined at once; gold counts the rows pending for it as in hand). Gold's
   * in-memory state and pending rows are dropped when the transaction rolls back or another connection has
   * written to the file since our last look.
   */
  private write<T>(fn: (caughtUp: { silver: boolean; gold: boolean }) => T): T {
    try {
      // IMMEDIATE takes the write lock at BEGIN: no other connection can commit between the look at
      // data_version and our writes (and a busy file is waited for, not failed on, at the first write).
      const transaction = this.db.transaction(() => {
        // With gold folded elsewhere, BEGIN IMMEDIATE would take gold's file too (it locks every attached
        // database) and wait for each of gold's commits: a write to the database's file takes its lock alone.
        if (this.remote) this.lockMain.run()
        const version = this.db.pragma('data_version', { simple: true }) as number
        if (version !== this.dataVersion) {
          // Another writer may have folded the pending rows itself.
          this.dropPending()
          this.gold.forget()
          this.dataVersion = version
        }
        return fn(this.caughtUp())
      })
      return this.remote ? transaction() : transaction.immediate()
    } catch (error) {
      this.dropPending()
      this.gold.forget()
      throw error
    }
  }

  private caughtUp(): { silver: boolean; gold: boolean } {
    const last = this.lastIds.get()!
    const folded = this.pending.at(-1)?.id ?? this.watermarks.get('gold')
    return {
      silver:
        (last.landing ?? 0) <= this.watermarks.get('silver-landing') &&
        (last.bronze ?? 0) <= this.watermarks.get('silver'),
      gold: (last.silver ?? 0) <= folded,
    }
  }

  /** Forgets the rows waiting for gold: it reads them from silver instead. */
  private dropPending(): void {
    if (this.pending.length > 0) this.goldBehind = true
    this.pending = []
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
    // Retention deletes by event time from gold as it stands: the rows gold owes first, as without a lag.
    this.settleGold()
    try {
      return this.withGoldPaused(() => applyRetention(this.db, this.settings.get().retentionDays, now))
    } finally {
      // Retention counts the windows again when it takes seconds they held.
      this.gold.forgetWindows()
    }
  }

  layerSizes(): LayerSize[] {
    return layerSizes(this.db)
  }

  /** Settings apply to what comes next: gold first folds what came before them, as without a lag. */
  updateSettings(patch: SettingsPatch): PipelineSettings {
    this.settleGold()
    return this.withGoldPaused(() => {
      const settings = this.settings.update(patch)
      // The connected devices per second are kept for one idle timeout: counted again for another.
      ensureConnectedSeries(this.db, settings.idleTimeoutMin)
      return settings
    })
  }

  /** Runs `fn`, which writes gold on this connection, while gold folded elsewhere waits. */
  private withGoldPaused<T>(fn: () => T): T {
    this.remote?.pause()
    try {
      // Before anything is written: a reader that sees the write also sees the new epoch (gold-epoch.ts).
      bumpGoldEpoch(this.db)
      return fn()
    } finally {
      this.remote?.resume()
    }
  }

  /** The newest silver id, 0 for none. */
  private lastSilverId(): number {
    return this.lastIds.get()!.silver ?? 0
  }
}
