import type { Db } from '../db/open'

export interface QuarantinedRecord {
  id: number
  source: string
  landingId: number
  line: number
  field: string | null
  reason: string
  raw: string
  receivedAt: number
}

/** Rejected records, newest first, with where they came from. */
export function listQuarantine(db: Db, options: { limit: number; beforeId?: number }): QuarantinedRecord[] {
  return db
    .prepare<[number, number], QuarantinedRecord>(
      `SELECT q.id, coalesce(l.source, '(purged)') AS source, q.landing_id AS landingId, q.line, q.field,
              q.reason, q.raw, q.received_at AS receivedAt
       FROM silver_quarantine q LEFT JOIN landing_payloads l ON l.id = q.landing_id
       WHERE q.id < ? ORDER BY q.id DESC LIMIT ?`,
    )
    .all(options.beforeId ?? Number.MAX_SAFE_INTEGER, options.limit)
}
