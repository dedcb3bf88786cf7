import type { Db } from '../db/open'
import type { RawRecord } from './records'

/** Appends records with their lineage (landing payload, line). Callers wrap calls in a transaction. */
export class BronzeWriter {
  private readonly insertStmt

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO bronze_records (landing_id, line, format, received_at, raw, error) VALUES (?, ?, ?, ?, ?, ?)',
    )
  }

  insert(landingId: number, receivedAt: number, records: readonly RawRecord[]): void {
    for (const r of records)
      this.insertStmt.run(landingId, r.line, r.format, receivedAt, r.raw, r.error ?? null)
  }
}
