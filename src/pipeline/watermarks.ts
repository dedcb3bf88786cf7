import type { Db } from './db/open'

/** Silver reads two streams: landing ids ('silver-landing', frames) and bronze ids ('silver', files). */
export type Stage = 'silver' | 'silver-landing' | 'gold' | 'alerts' | 'connected-idle-ms'

/** Gold's stages keep their watermarks in gold's file, so that they commit with gold (db/gold-file.ts). */
const GOLD_STAGES: ReadonlySet<Stage> = new Set(['gold', 'connected-idle-ms'])

/** Each stage remembers the last id of the layer below that it has read. */
export class Watermarks {
  private readonly main
  private readonly gold

  constructor(db: Db) {
    const statements = (table: string) => ({
      get: db.prepare<[Stage], { last_id: number }>(`SELECT last_id FROM ${table} WHERE stage = ?`),
      set: db.prepare<[number, Stage]>(`UPDATE ${table} SET last_id = ? WHERE stage = ?`),
    })
    this.main = statements('main.pipeline_watermarks')
    this.gold = statements('gold.pipeline_gold_watermarks')
  }

  get(stage: Stage): number {
    return this.tableOf(stage).get.get(stage)?.last_id ?? 0
  }

  set(stage: Stage, lastId: number): void {
    this.tableOf(stage).set.run(lastId, stage)
  }

  private tableOf(stage: Stage) {
    return GOLD_STAGES.has(stage) ? this.gold : this.main
  }
}
