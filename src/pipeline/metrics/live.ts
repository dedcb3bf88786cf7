// The live state gold keeps (src/pipeline/gold/live-state.ts) answers for a T at or after the newest second
// folded into gold, when nothing after T can change the answer: the overview a user watches live.
import type { Db } from '../db/open'

/** The newest second in gold when T's second is at or after it (the live state answers), else null. */
export function liveAnchorQuery(db: Db) {
  const stmt = db.prepare<[], { newest_sec: number }>('SELECT newest_sec FROM gold_live WHERE id = 1')
  return (sec: number): number | null => {
    const anchor = stmt.get()?.newest_sec
    return anchor !== undefined && sec >= anchor ? anchor : null
  }
}
