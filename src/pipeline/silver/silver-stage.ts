// Bronze -> silver: validate, type and de-duplicate (first event id wins); rejects go to quarantine. A
// frame's records are read from its landing bytes, a file's from bronze (bronze/source-records.ts).
import type { RunResult } from 'better-sqlite3'
import type { Db } from '../db/open'
import { ArrivalReader, type SourceRecord } from '../bronze/source-records'
import type { Watermarks } from '../watermarks'
import { normalize, type NormalizeContext, type Normalized, type SilverEvent } from './normalize'

export interface RecordReject {
  /** 0-based position among the payload's records. */
  index: number
  line: number
  field: string | null
  reason: string
}

/** What happened to the records of one landing payload. */
export interface PayloadOutcome {
  accepted: number
  duplicates: number
  rejected: number
  rejects: RecordReject[]
}

/** An accepted event with its silver id, as gold folds it. */
export type SilverRow = SilverEvent & { id: number }

export interface SilverBatch {
  outcomes: Map<number, PayloadOutcome>
  accepted: SilverRow[]
}

/** Where a silver row's record is: its landing payload and line, and its bronze row if one holds it (else 0). */
export type Lineage = Pick<SourceRecord, 'bronze_id' | 'landing_id' | 'line'>

/**
 * Writes an event's silver row, unless its id is already in silver (first one wins): `changes` is then 0.
 * Shared with the benchmarks that write silver as the engine does.
 */
export function silverInsert(db: Db): (e: SilverEvent, from: Lineage) => RunResult {
  const stmt = db.prepare(
    `INSERT OR IGNORE INTO silver_events (event_id, ts, type, server, device, client, peer, device_type,
       plan_mbps, ip, bytes_down, bytes_up, bytes, duration_ms, bronze_id, landing_id, line)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  return (e, from) =>
    stmt.run(
      e.event_id,
      e.ts,
      e.type,
      e.server,
      e.device,
      e.client,
      e.peer,
      e.device_type,
      e.plan_mbps,
      e.ip,
      e.bytes_down,
      e.bytes_up,
      e.bytes,
      e.duration_ms,
      from.bronze_id,
      from.landing_id,
      from.line,
    )
}

export class SilverStage {
  private readonly reader
  private readonly insert
  private readonly duplicateStmt
  private readonly quarantineStmt

  constructor(
    private readonly db: Db,
    private readonly watermarks: Watermarks,
  ) {
    this.reader = new ArrivalReader(db)
    this.insert = silverInsert(db)
    this.duplicateStmt = db.prepare(
      'INSERT INTO silver_duplicates (bronze_id, landing_id, line, event_id, received_at) VALUES (?, ?, ?, ?, ?)',
    )
    this.quarantineStmt = db.prepare(
      `INSERT INTO silver_quarantine (bronze_id, landing_id, line, field, reason, raw, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
  }

  /**
   * Processes about `limit` records past the watermarks, in arrival order, inside the caller's transaction.
   * Returns what happened to them, and whether there are more.
   */
  advance(context: Omit<NormalizeContext, 'receivedAt'>, limit: number): SilverBatch & { more: boolean } {
    const batch = this.reader.read(
      this.watermarks.get('silver-landing'),
      this.watermarks.get('silver'),
      limit,
    )
    return { ...this.process(batch.records, context, batch.landingId), more: batch.more }
  }

  /**
   * Validates and writes records newer than the watermarks, in arrival order, and moves the watermarks past
   * them: the bronze one past the last bronze row, the landing one to `landedThrough` (every payload up to
   * it has been read). The caller holds the transaction: the rows and the watermarks commit together.
   */
  process(
    rows: readonly SourceRecord[],
    context: Omit<NormalizeContext, 'receivedAt'>,
    landedThrough: number,
  ): SilverBatch {
    const outcomes = new Map<number, PayloadOutcome>()
    const accepted: SilverRow[] = []
    // One context for the batch, its receivedAt set per record: normalize keeps no reference to it.
    const recordContext: NormalizeContext = { ...context, receivedAt: 0 }
    // A payload's records come one after another: its outcome is looked up once per payload, not per record.
    let landingId = -1
    let outcome: PayloadOutcome | undefined
    for (const row of rows) {
      if (row.landing_id !== landingId || !outcome) {
        landingId = row.landing_id
        outcome = outcomes.get(landingId)
        if (!outcome) {
          outcome = { accepted: 0, duplicates: 0, rejected: 0, rejects: [] }
          outcomes.set(landingId, outcome)
        }
      }
      recordContext.receivedAt = row.received_at
      const result: Normalized = row.error
        ? { ok: false, rejection: { field: null, reason: row.error } }
        : normalize(row.raw, row.format, recordContext)
      if (!result.ok) {
        const { field, reason } = result.rejection
        this.quarantineStmt.run(
          row.bronze_id,
          row.landing_id,
          row.line,
          field,
          reason,
          row.raw,
          row.received_at,
        )
        outcome.rejects.push({
          index: outcome.accepted + outcome.duplicates + outcome.rejected,
          line: row.line,
          field,
          reason,
        })
        outcome.rejected++
        continue
      }
      const e = result.event
      const info = this.insert(e, row)
      if (info.changes === 0) {
        this.duplicateStmt.run(row.bronze_id, row.landing_id, row.line, e.event_id, row.received_at)
        outcome.duplicates++
      } else {
        outcome.accepted++
        // The event is normalize's fresh object and nobody else's: it becomes the row, rather than a copy.
        const silverRow = e as SilverRow
        silverRow.id = Number(info.lastInsertRowid)
        accepted.push(silverRow)
      }
    }
    const lastBronze = rows.findLast((r) => r.bronze_id > 0)
    if (lastBronze) this.watermarks.set('silver', lastBronze.bronze_id)
    this.watermarks.set('silver-landing', landedThrough)
    return { outcomes, accepted }
  }
}
