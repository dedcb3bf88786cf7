import type { Db } from '../db/open'
import type { RawRecord } from './records'
import type { SourceRecord } from './source-records'

/**
 * Appends a file's records with their lineage (landing chunk, line). A frame's records are not copied here:
 * its landing bytes give them again. Callers wrap calls in a transaction.
 */
export class BronzeWriter {
  private readonly insertStmt

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO bronze_records (landing_id, line, format, received_at, raw, error, after_landing_id)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
  }

  /**
   * `afterLandingId` is the largest landing id at the time of writing: silver reads the records after that
   * payload. Returns the rows as written, ids included, so that silver can read them without reading them back.
   */
  insert(
    landingId: number,
    receivedAt: number,
    records: readonly RawRecord[],
    afterLandingId: number,
  ): SourceRecord[] {
    return records.map((r) => {
      const error = r.error ?? null
      const { lastInsertRowid } = this.insertStmt.run(
        landingId,
        r.line,
        r.format,
        receivedAt,
        r.raw,
        error,
        afterLandingId,
      )
      return {
        bronze_id: Number(lastInsertRowid),
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
