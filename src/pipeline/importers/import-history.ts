import type { Db } from '../db/open'

export interface ImportRecord {
  id: number
  path: string
  sha256: string
  size: number
  format: string
  started_at: number
  finished_at: number | null
  status: 'running' | 'done' | 'cancelled' | 'failed'
  records: number
  accepted: number
  duplicates: number
  quarantined: number
  error: string | null
}

/** Every import is recorded, so a re-import of the same content is recognised and the UI can list them. */
export class ImportHistory {
  private readonly startStmt
  private readonly finishStmt
  private readonly findStmt
  private readonly listStmt

  constructor(db: Db) {
    this.startStmt = db.prepare(
      `INSERT INTO import_history (path, sha256, size, format, started_at, status) VALUES (?, ?, ?, ?, ?, 'running')`,
    )
    this.finishStmt = db.prepare(
      `UPDATE import_history SET finished_at = ?, status = ?, records = ?, accepted = ?, duplicates = ?,
         quarantined = ?, error = ? WHERE id = ?`,
    )
    this.findStmt = db.prepare<[string], ImportRecord & { finished_at: number }>(
      `SELECT * FROM import_history WHERE sha256 = ? AND status = 'done' ORDER BY id DESC LIMIT 1`,
    )
    this.listStmt = db.prepare<[number], ImportRecord>(
      'SELECT * FROM import_history ORDER BY id DESC LIMIT ?',
    )
  }

  start(i: { path: string; sha256: string; size: number; format: string; startedAt: number }): number {
    return Number(this.startStmt.run(i.path, i.sha256, i.size, i.format, i.startedAt).lastInsertRowid)
  }

  finish(
    id: number,
    s: {
      status: string
      records: number
      accepted: number
      duplicates: number
      quarantined: number
      message: string | null
    },
  ): void {
    this.finishStmt.run(
      Date.now(),
      s.status,
      s.records,
      s.accepted,
      s.duplicates,
      s.quarantined,
      s.message,
      id,
    )
  }

  findDone(sha256: string): (ImportRecord & { finished_at: number }) | undefined {
    return this.findStmt.get(sha256)
  }

  list(limit = 100): ImportRecord[] {
    return this.listStmt.all(limit)
  }
}
