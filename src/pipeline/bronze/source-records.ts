// What silver reads, in arrival order: a frame's records come from its landing bytes, split again with
// splitFrame (they were never copied to bronze); a file's records are its bronze rows, because a record of
// a file can straddle chunks and its landing chunk alone cannot give it back. Frames and bronze rows are two
// streams, each read past a watermark of its own ('silver-landing': a landing id; 'silver': a bronze id), and
// merged in the order they were written: a bronze row comes after every payload landed before it
// (`after_landing_id`) and before any landed later.
import type { Db } from '../db/open'
import { splitFrame, type RawRecord, type RecordFormat } from './records'

/** A record as silver reads it: a bronze row, a frame's record split again, or one handed over at landing. */
export interface SourceRecord {
  /** The bronze row that holds the record; 0 when none does (a frame's record). */
  bronze_id: number
  landing_id: number
  line: number
  format: RecordFormat
  received_at: number
  raw: string
  error: string | null
}

/** A frame's records with their lineage: its landing payload and their line in it. */
export const frameRecords = (
  landingId: number,
  receivedAt: number,
  records: readonly RawRecord[],
): SourceRecord[] =>
  records.map((r) => ({
    bronze_id: 0,
    landing_id: landingId,
    line: r.line,
    format: r.format,
    received_at: receivedAt,
    raw: r.raw,
    error: r.error ?? null,
  }))

/**
 * The records of a landed frame, split again. A frame that was split once splits the same way (splitFrame
 * is a function of the bytes); should it not (a stack deep enough once and not now), the frame becomes one
 * record that silver quarantines with the reason, so nothing is dropped unseen.
 */
export function splitLanded(landingId: number, receivedAt: number, bytes: Uint8Array): SourceRecord[] {
  const split = splitFrame(bytes)
  if (split.ok) return frameRecords(landingId, receivedAt, split.records)
  const error = `frame could not be split again: ${split.error}`
  return frameRecords(landingId, receivedAt, [{ line: 0, format: 'json', raw: '', error }])
}

interface PayloadRow {
  id: number
  received_at: number
  /** Set for a frame whose records are read from its bytes; null for a file chunk, a frame that could not be
   * split when it arrived, or one written before migration 8, whose records are in bronze. */
  bytes: Uint8Array | null
}

type BronzeRowWithOrder = SourceRecord & { after: number }

// Pages of the two streams: a frame payload is read with its bytes, so pages of them stay small.
const PAYLOAD_PAGE = 500
const BRONZE_PAGE = 5_000

export interface ArrivalBatch {
  records: SourceRecord[]
  /** The last landing id read (the bronze one is the last bronze row's). */
  landingId: number
  /** False when both streams were read to their end. */
  more: boolean
}

/** Reads records past the two watermarks, in arrival order. */
export class ArrivalReader {
  private readonly payloadsStmt
  private readonly bronzeStmt

  constructor(db: Db) {
    this.payloadsStmt = db.prepare<[number, number], PayloadRow>(
      `SELECT id, received_at,
         CASE WHEN kind = 'frame' AND error IS NULL
                AND NOT EXISTS (SELECT 1 FROM bronze_records b WHERE b.landing_id = l.id) THEN bytes END AS bytes
       FROM landing_payloads l WHERE id > ? ORDER BY id LIMIT ?`,
    )
    this.bronzeStmt = db.prepare<[number, number], BronzeRowWithOrder>(
      `SELECT id AS bronze_id, landing_id, line, format, received_at, raw, error,
         coalesce(after_landing_id, landing_id) AS after
       FROM bronze_records WHERE id > ? ORDER BY id LIMIT ?`,
    )
  }

  /**
   * At least `limit` records (all of a frame's records are read together), or all there are, past landing id
   * `landingId` and bronze id `bronzeId`.
   */
  read(landingId: number, bronzeId: number, limit: number): ArrivalBatch {
    const payloads = this.pages(this.payloadsStmt, landingId, PAYLOAD_PAGE, (p) => p.id)
    const bronze = this.pages(this.bronzeStmt, bronzeId, BRONZE_PAGE, (b) => b.bronze_id)
    const records: SourceRecord[] = []
    let payload = payloads.next()
    let row = bronze.next()
    while (records.length < limit && !(payload.done && row.done)) {
      if (!row.done && (payload.done || row.value.after < payload.value.id)) {
        const { after: _after, ...record } = row.value
        records.push(record)
        row = bronze.next()
      } else if (!payload.done) {
        const { id, received_at, bytes } = payload.value
        if (bytes) records.push(...splitLanded(id, received_at, bytes))
        landingId = id
        payload = payloads.next()
      }
    }
    return { records, landingId, more: !(payload.done && row.done) }
  }

  /** A stream read page by page (the connection cannot write while a statement iterates). */
  private *pages<T>(
    stmt: { all: (after: number, limit: number) => T[] },
    after: number,
    size: number,
    idOf: (row: T) => number,
  ): Generator<T, void, undefined> {
    for (;;) {
      const page = stmt.all(after, size)
      yield* page
      if (page.length < size) return
      after = idOf(page.at(-1)!)
    }
  }
}
