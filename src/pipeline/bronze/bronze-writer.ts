import type { Db } from '../db/open'
import type { BronzeRow } from '../silver/silver-stage'
import type { RawRecord } from './records'

/** Appends records with their lineage (landing payload, line). Callers wrap calls in a transaction. */
export class BronzeWriter {
  private readonly insertStmt

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO bronze_records (landing_id, line, format, received_at, raw, error) VALUES (?, ?, ?, ?, ?, ?)',
    )
  }

  /** Returns the rows as written, ids included, so that silver can read them without reading them back. */
  insert(landingId: number, receivedAt: number, records: readonly RawRecord[]): BronzeRow[] {
    return records.map((r) => {
      const error = r.error ?? null
      const { lastInsertRowid } = this.insertStmt.run(landingId, r.line, r.format, receivedAt, r.raw, error)
      const id = Number(lastInsertRowid)
      return {
        id,
        landing_id: landingId,
        line: r.line,
        format: r.format,
        received_at: receivedAt,
        raw: r.raw,
        error,
      }
    })
  }
}
