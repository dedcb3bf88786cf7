import type { Db } from './db/open'

/** Silver reads two streams: landing ids ('silver-landing', frames) and bronze ids ('silver', files). */
export type Stage = 'silver' | 'silver-landing' | 'gold' | 'alerts' | 'connected-idle-ms'

/** Gold's stages keep their watermarks in gold's file, so that they commit with gold (db/gold-file.ts). */
const GOLD_STAGES: ReadonlySet<Stage> = new Set(['gold', 'connected-idle-ms'])

/** Each stage remembers the last id of the layer below that it has read. */
export class Watermarks {
  private readonly getStmt
  private readonly setStmt

  constructor(db: Db) {
    const statements = (table: string) => ({
      get: db.prepare<[Stage], { last_id: number }>(`SELECT last_id FROM ${table} WHERE stage = ?`),
      set: db.prepare<[number, Stage]>(`UPDATE ${table} SET last_id = ? WHERE stage = ?`),
    })
    const main = statements('main.pipeline_watermarks')
    const gold = statements('gold.pipeline_gold_watermarks')
    this.getStmt = (stage: Stage) => (GOLD_STAGES.has(stage) ? gold : main).get.get(stage)
    this.setStmt = (lastId: number, stage: Stage) =>
      (GOLD_STAGES.has(stage) ? gold : main).set.run(lastId, stage)
  }

  get(stage: Stage): number {
    return this.getStmt(stage)?.last_id ?? 0
  }

  set(stage: Stage, lastId: number): void {
    this.setStmt(lastId, stage)
  }
}
