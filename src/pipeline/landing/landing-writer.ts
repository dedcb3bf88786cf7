import type { Db } from '../db/open'

export interface LandingPayload {
  source: string
  kind: 'frame' | 'file-chunk'
  seq: string | null
  receivedAt: number
  bytes: Uint8Array
  /** Why the payload could not be split into records (it is kept all the same). */
  error: string | null
}

/** Appends payloads to landing exactly as received. Callers wrap calls in their flush transaction. */
export class LandingWriter {
  private readonly insertStmt
  private readonly setErrorStmt
  private readonly lastIdStmt

  constructor(db: Db) {
    this.insertStmt = db.prepare(
      'INSERT INTO landing_payloads (source, kind, seq, received_at, bytes, error) VALUES (?, ?, ?, ?, ?, ?)',
    )
    this.setErrorStmt = db.prepare('UPDATE landing_payloads SET error = ? WHERE id = ?')
    this.lastIdStmt = db.prepare<[], number | null>('SELECT max(id) FROM landing_payloads').pluck()
  }

  insert(payload: LandingPayload): number {
    const { source, kind, seq, receivedAt, bytes, error } = payload
    return Number(this.insertStmt.run(source, kind, seq, receivedAt, bytes, error).lastInsertRowid)
  }

  setError(id: number, error: string): void {
    this.setErrorStmt.run(error, id)
  }

  /** The largest landing id, 0 when landing is empty. */
  lastId(): number {
    return this.lastIdStmt.get() ?? 0
  }
}
