// From a silver, quarantine or duplicate row back to the record received: the bronze row that holds it (a
// file's record, or any record written before migration 8), or else its line in its landing frame, split
// again as it was when it arrived.
import type { Db } from '../db/open'
import { splitFrame } from './records'

/** A row's lineage as silver stores it. Silver rows from before migration 8 have only their bronze id. */
export interface StoredLineage {
  bronze_id: number
  landing_id: number | null
  line: number | null
}

export interface ReceivedRecord {
  landingId: number
  /** `landing_payloads.source`: the peer or the file. */
  source: string
  kind: 'frame' | 'file-chunk'
  line: number
  /** The record's text, as silver read it. */
  raw: string
  /** The bronze row that holds it; 0 when none does (a frame's record). */
  bronzeId: number
}

/** Finds the record a row came from; null when retention has deleted it. */
export function receivedRecord(db: Db): (lineage: StoredLineage) => ReceivedRecord | null {
  const bronze = db.prepare<[number], Omit<ReceivedRecord, 'bronzeId'>>(
    `SELECT b.landing_id AS landingId, l.source, l.kind, b.line, b.raw
     FROM bronze_records b JOIN landing_payloads l ON l.id = b.landing_id WHERE b.id = ?`,
  )
  const payload = db.prepare<[number], { source: string; kind: 'frame' | 'file-chunk'; bytes: Uint8Array }>(
    'SELECT source, kind, bytes FROM landing_payloads WHERE id = ?',
  )
  return ({ bronze_id, landing_id, line }) => {
    if (bronze_id > 0) {
      const row = bronze.get(bronze_id)
      return row ? { ...row, bronzeId: bronze_id } : null
    }
    if (landing_id === null || line === null) return null
    const landed = payload.get(landing_id)
    if (!landed || landed.kind !== 'frame') return null
    const split = splitFrame(landed.bytes)
    const record = split.ok ? split.records.find((r) => r.line === line) : undefined
    return record
      ? { landingId: landing_id, source: landed.source, kind: 'frame', line, raw: record.raw, bronzeId: 0 }
      : null
  }
}
