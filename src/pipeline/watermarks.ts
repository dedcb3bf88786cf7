import type { Db } from './db/open'

/** Silver reads two streams: landing ids ('silver-landing', frames) and bronze ids ('silver', files). */
export type Stage = 'silver' | 'silver-landing' | 'gold' | 'alerts' | 'connected-idle-ms'

/** Each stage remembers the last id of the layer below that it has read. */
export class Watermarks {
  private readonly getStmt
  private readonly setStmt

  constructor(db: Db) {
    this.getStmt = db.prepare<[Stage], { last_id: number }>(
      'SELECT last_id FROM pipeline_watermarks WHERE stage = ?',
    )
    this.setStmt = db.prepare('UPDATE pipeline_watermarks SET last_id = ? WHERE stage = ?')
  }

  get(stage: Stage): number {
    return this.getStmt.get(stage)?.last_id ?? 0
  }

  set(stage: Stage, lastId: number): void {
    this.setStmt.run(lastId, stage)
  }
}
