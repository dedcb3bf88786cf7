// Test helper: a database whose silver holds events gold has not folded (as while gold's thread trails), and
// a copy of it whose silver stops at gold's watermark: what every answer as of gold must equal.
import { expect } from 'vitest'
import { copyDatabase } from '../db/gold-file'
import { openDb, type Db } from '../db/open'
import { Engine } from '../engine'
import { GOLD_WATERMARK_SQL } from '../silver/event-time'
import { ingestFrame, lateFeed, randomEvents } from '../metrics/testing/random-network'
import type { tempDir } from './temp-db'

export interface TrailingGold {
  /** The engine on the database whose gold trails, still open (its writer). */
  trailing: Engine
  trailingPath: string
  /** The copy whose silver stops at gold's watermark, open. */
  cut: Db
  cutPath: string
  /** Gold's newest second. */
  anchor: number
  close: () => void
}

/** 6,000 late and reordered events of 60 devices: gold folds the first 4,000, silver holds them all. */
export function trailingGold(dir: ReturnType<typeof tempDir>): TrailingGold {
  const events = lateFeed(
    randomEvents({
      seed: 3,
      start: Date.UTC(2026, 0, 5),
      minutes: 12,
      events: 6000,
      devices: 60,
      clients: 30,
      servers: 3,
    }),
    { seed: 1, jitter: 30, every: 50, heldBack: 1500 },
  )
  const trailingPath = dir.path('trailing.db')
  const trailing = Engine.open(trailingPath, { goldLagMs: 3_600_000, goldBatch: 1_000_000 })
  const folded = 4000
  for (let i = 0; i < folded; i += 100) ingestFrame(trailing, events.slice(i, i + 100))
  trailing.settleGold()
  for (let i = folded; i < events.length; i += 100) ingestFrame(trailing, events.slice(i, i + 100))
  const db = trailing.db
  const watermark = db.prepare<[], number>(`SELECT ${GOLD_WATERMARK_SQL}`).pluck().get()!
  expect(db.prepare('SELECT count(*) FROM silver_events WHERE id > ?').pluck().get(watermark)).toBe(2000)
  const anchor = db.prepare<[], number>('SELECT newest_sec FROM gold_live').pluck().get()!
  db.pragma('wal_checkpoint(TRUNCATE)')
  const cutPath = dir.path('cut.db')
  copyDatabase(trailingPath, cutPath)
  const cut = openDb(cutPath)
  cut.prepare('DELETE FROM silver_events WHERE id > ?').run(watermark)
  return {
    trailing,
    trailingPath,
    cut,
    cutPath,
    anchor,
    close: () => {
      cut.close()
      // Closed without settling: gold stays behind.
      trailing.db.close()
    },
  }
}
