// Each client's bytes per minute (gold_client_minutes) are kept for every minute before the newest second's,
// batch by batch and late samples included, and a database written before migration 16 gets them too.
import { describe, expect, it } from 'vitest'
import { MIGRATIONS } from '../db/migrations'
import { ingestFrame, lateFeed, randomEvents } from '../metrics/testing/random-network'
import { useTempEngine } from '../testing/temp-engine'
import { UNDO_CLIENT_MINUTES_SQL } from '../testing/undo-client-minutes'
import { UNDO_CONNECTED_SERIES_SQL } from '../testing/undo-connected-series'
import { undoGoldFile } from '../testing/undo-gold-file'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

const temp = useTempEngine()

const rows = (sql: string) =>
  temp.engine.db
    .prepare(sql)
    .raw()
    .all()
    .map((r) => JSON.stringify(r))

const kept = () => rows('SELECT minute, client, bytes FROM gold_client_minutes ORDER BY minute, client')

/** The same minutes summed from the parts: every minute before the one of gold's newest second. */
const counted = () =>
  rows(
    `SELECT minute, client, sum(bytes) FROM gold_client_usage_parts
     WHERE minute < (SELECT (newest_sec + 59) / 60 FROM gold_live)
     GROUP BY minute, client ORDER BY minute, client`,
  )

describe('client minutes', () => {
  it('hold each client’s bytes of every minute before the newest one, after every batch, late samples included', () => {
    const shape = { seed: 31, start: START, minutes: 10, events: 3000, devices: 40, clients: 15, servers: 3 }
    const events = lateFeed(randomEvents(shape), { seed: 4, jitter: 60, every: 50, heldBack: 400 })
    let sealed = 0
    for (let i = 0; i < events.length; i += 101) {
      ingestFrame(temp.engine, events.slice(i, i + 101))
      expect(kept(), `after ${i + 101} events`).toEqual(counted())
      sealed = Math.max(sealed, kept().length)
    }
    // Minutes were kept and then written into again by late samples.
    expect(sealed).toBeGreaterThan(50)
    const newestMinute = temp.engine.db
      .prepare<[], number>('SELECT (newest_sec + 59) / 60 FROM gold_live')
      .pluck()
      .get()!
    const minutes = temp.engine.db
      .prepare<[], number>('SELECT DISTINCT minute FROM gold_client_minutes')
      .pluck()
      .all()
    expect(Math.max(...minutes)).toBe(newestMinute - 1)
  })

  it('are counted by migration 16 for a database written before it', () => {
    const shape = { seed: 32, start: START, minutes: 8, events: 2000, devices: 30, clients: 12, servers: 3 }
    const events = lateFeed(randomEvents(shape), { seed: 5, jitter: 40, every: 50, heldBack: 400 })
    for (let i = 0; i < events.length; i += 150) ingestFrame(temp.engine, events.slice(i, i + 150))
    const written = kept()
    expect(written.length).toBeGreaterThan(40)
    undoGoldFile(temp.engine.db)
    temp.engine.db.exec(`${UNDO_CONNECTED_SERIES_SQL} ${UNDO_CLIENT_MINUTES_SQL} PRAGMA user_version = 15;`)
    temp.reopen()
    expect(temp.engine.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(kept()).toEqual(written)
  })
})
