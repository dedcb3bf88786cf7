// Bronze -> silver: validate, type and de-duplicate (first event id wins); rejects go to quarantine.
import type { RunResult } from 'better-sqlite3'
import type { Db } from '../db/open'
import type { RecordFormat } from '../bronze/records'
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

/** A bronze record as silver reads it: from the table, or handed over by the transaction that wrote it. */
export interface BronzeRow {
  id: number
  landing_id: number
  line: number
  format: RecordFormat
  received_at: number
  raw: string
  error: string | null
}

/** An accepted event with its silver id, as gold folds it. */
export type SilverRow = SilverEvent & { id: number }

export interface SilverBatch {
  outcomes: Map<number, PayloadOutcome>
  accepted: SilverRow[]
}

/**
 * Writes an event's silver row, unless its id is already in silver (first one wins): `changes` is then 0.
 * Shared with the benchmarks that write silver as the engine does.
 */
export function silverInsert(db: Db): (e: SilverEvent, bronzeId: number) => RunResult {
  const stmt = db.prepare(
    `INSERT OR IGNORE INTO silver_events (event_id, ts, type, server, device, client, peer, device_type,
       plan_mbps, ip, bytes_down, bytes_up, bytes, duration_ms, bronze_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  return (e, bronzeId) =>
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
      bronzeId,
    )
}

export class SilverStage {
  private readonly readStmt
  private readonly insert
  private readonly duplicateStmt
  private readonly quarantineStmt

  constructor(
    private readonly db: Db,
    private readonly watermarks: Watermarks,
  ) {
    this.readStmt = db.prepare<[number, number], BronzeRow>(
      'SELECT id, landing_id, line, format, received_at, raw, error FROM bronze_records WHERE id > ? ORDER BY id LIMIT ?',
    )
    this.insert = silverInsert(db)
    this.duplicateStmt = db.prepare(
      'INSERT INTO silver_duplicates (bronze_id, landing_id, event_id, received_at) VALUES (?, ?, ?, ?)',
    )
    this.quarantineStmt = db.prepare(
      `INSERT INTO silver_quarantine (bronze_id, landing_id, line, field, reason, raw, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
  }

  /**
   * Processes up to `limit` bronze records past the watermark, inside the caller's transaction. Returns
   * what happened to them, and how many were read (0 when silver is up to date).
   */
  advance(context: Omit<NormalizeContext, 'receivedAt'>, limit: number): SilverBatch & { read: number } {
    const rows = this.readStmt.all(this.watermarks.get('silver'), limit)
    return { read: rows.length, ...this.process(rows, context) }
  }

  /**
   * Validates and writes bronze rows newer than the watermark, in id order, and moves the watermark past
   * them. The caller holds the transaction: the rows and the watermark commit together.
   */
  process(rows: readonly BronzeRow[], context: Omit<NormalizeContext, 'receivedAt'>): SilverBatch {
    const outcomes = new Map<number, PayloadOutcome>()
    const accepted: SilverRow[] = []
    for (const row of rows) {
      let outcome = outcomes.get(row.landing_id)
      if (!outcome) {
        outcome = { accepted: 0, duplicates: 0, rejected: 0, rejects: [] }
        outcomes.set(row.landing_id, outcome)
      }
      const result: Normalized = row.error
        ? { ok: false, rejection: { field: null, reason: row.error } }
        : normalize(row.raw, row.format, { ...context, receivedAt: row.received_at })
      if (!result.ok) {
        const { field, reason } = result.rejection
        this.quarantineStmt.run(row.id, row.landing_id, row.line, field, reason, row.raw, row.received_at)
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
      const info = this.insert(e, row.id)
      if (info.changes === 0) {
        this.duplicateStmt.run(row.id, row.landing_id, e.event_id, row.received_at)
        outcome.duplicates++
      } else {
        outcome.accepted++
        accepted.push({ ...e, id: Number(info.lastInsertRowid) })
      }
    }
    const last = rows.at(-1)
    if (last) this.watermarks.set('silver', last.id)
    return { outcomes, accepted }
  }
}
