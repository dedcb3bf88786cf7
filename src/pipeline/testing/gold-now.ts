// Test helper: gold's watermark and epoch as a reader's read transaction sees them, which name the gold a
// view of gold's shared memory must be of (shared-clients.ts, shared-seen.ts).
import type { Db } from '../db/open'
import { GOLD_EPOCH_SQL } from '../gold/gold-epoch'
import { GOLD_WATERMARK_SQL } from '../silver/event-time'

export const goldNow = (db: Db): { watermark: number; epoch: number } =>
  db
    .prepare<[], { watermark: number; epoch: number }>(
      `SELECT ${GOLD_WATERMARK_SQL} AS watermark, ${GOLD_EPOCH_SQL} AS epoch`,
    )
    .get()!
