// Whether landing holds the demo feed's payloads (the demo feed lands them from the source 'demo'), read from
// their partial index (migration 12): a database of real data answers at once.
import type { Db } from '../db/open'

export const HAS_DEMO_DATA_SQL = `SELECT EXISTS (SELECT 1 FROM landing_payloads WHERE source = 'demo') AS yes`

export function hasDemoDataQuery(db: Db): () => boolean {
  const stmt = db.prepare<[], { yes: number }>(HAS_DEMO_DATA_SQL)
  return () => stmt.get()?.yes === 1
}
