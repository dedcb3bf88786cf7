// Migration 7 counts the usage of a database written by the older rules (bytes at the sample's ts, the type
// known when the sample was processed) as the gold stage counts it today.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { tempDir } from '../testing/temp-db'
import { undoClientUsageParts } from '../testing/undo-client-usage-parts'
import { UNDO_DROP_TS_INDEX_SQL } from '../testing/undo-drop-ts-index'
import { UNDO_FRAME_LINEAGE_SQL } from '../testing/undo-frame-lineage'
import { UNDO_DEVICE_USAGE_IDS_SQL } from '../testing/undo-device-usage-ids'
import { UNDO_LATEST_MINUTE_IN_DEVICES_SQL } from '../testing/undo-latest-minute-in-devices'
import { UNDO_PARTS_TOTAL_SQL } from '../testing/undo-parts-total'
import { ingestFrame, ingestShuffled, randomEvents } from '../metrics/testing/random-network'
import { MIGRATIONS } from '../db/migrations'
import { refoldUsage } from './usage-refold'
import { UNDO_CLIENT_MINUTES_SQL } from '../testing/undo-client-minutes'
import { UNDO_CONNECTED_SERIES_SQL } from '../testing/undo-connected-series'
import { undoGoldFile } from '../testing/undo-gold-file'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)
const USAGE_TABLES = [
  'gold_usage_second',
  'gold_usage_minute',
  'gold_client_usage_parts',
  'gold_client_minutes',
  'gold_device_type_usage_second',
  'gold_live_client_servers',
]

let temp: ReturnType<typeof tempDir>
beforeEach(() => (temp = tempDir()))
afterEach(() => temp.remove())

/** A random network whose usage samples cover up to two minutes before their time. */
function network(seed: number) {
  const shape = { seed, start: START, minutes: 12, events: 3000, devices: 40, clients: 12, servers: 3 }
  return randomEvents(shape).map((e, i) =>
    e.type === 'usage' && i % 5 !== 0 ? { ...e, duration_ms: (i * 7919) % 120_000 } : e,
  )
}

function dump(engine: Engine, where = (_table: string) => '') {
  return Object.fromEntries(
    USAGE_TABLES.map((t) => [
      t,
      engine.db
        .prepare(`SELECT * FROM ${t} ${where(t)}`)
        .raw()
        .all()
        .map((r) => JSON.stringify(r))
        .sort(),
    ]),
  )
}

describe('usage counted again from silver', () => {
  it('gives the usage tables the gold stage folded, for events that arrived in any order', () => {
    const engine = Engine.open(temp.path('a.db'))
    try {
      ingestShuffled(engine, network(21), 5)
      const folded = dump(engine)
      expect(folded.gold_device_type_usage_second!.length).toBeGreaterThan(100)
      engine.db.transaction(() => refoldUsage(engine.db, 0))()
      expect(dump(engine)).toEqual(folded)
    } finally {
      engine.close()
    }
  })

  it('migrates a database counted by the older rules: every byte kept, each bucket after its first minute as today', () => {
    const events = network(22).sort((a, b) => (a.ts as number) - (b.ts as number))
    const today = Engine.open(temp.path('today.db'))
    const old = Engine.open(temp.path('old.db'))
    try {
      for (let i = 0; i < events.length; i += 200) ingestFrame(today, events.slice(i, i + 200))
      // The older rules put all of a sample's bytes in the second of its ts: as if it had no duration.
      const points = events.map(({ duration_ms: _duration, ...e }) => e)
      for (let i = 0; i < points.length; i += 200) ingestFrame(old, points.slice(i, i + 200))
      const setDuration = old.db.prepare('UPDATE silver_events SET duration_ms = ? WHERE event_id = ?')
      for (const e of events) if (e.duration_ms !== undefined) setDuration.run(e.duration_ms, e.id)
      undoGoldFile(old.db)
      old.db.exec(UNDO_CONNECTED_SERIES_SQL)
      old.db.exec(UNDO_CLIENT_MINUTES_SQL)
      old.db.exec(UNDO_LATEST_MINUTE_IN_DEVICES_SQL)
      old.db.exec(UNDO_DEVICE_USAGE_IDS_SQL)
      old.db.exec(UNDO_PARTS_TOTAL_SQL)
      old.db.exec(UNDO_DROP_TS_INDEX_SQL)
      undoClientUsageParts(old.db)
      old.db.exec(UNDO_FRAME_LINEAGE_SQL)
      old.db.exec('DROP INDEX silver_events_usage_minute; PRAGMA user_version = 6')
      const totalBefore = old.db.prepare('SELECT sum(bytes) AS b FROM gold_client_usage_second').get()
      old.close()

      const migrated = Engine.open(temp.path('old.db'))
      try {
        expect(migrated.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
        const firstMinute = Math.ceil(START / 60_000)
        const after = (t: string) =>
          t.endsWith('_minute') || t.endsWith('_minutes') || t.endsWith('_parts')
            ? `WHERE minute > ${firstMinute}`
            : t.startsWith('gold_live')
              ? ''
              : `WHERE sec > ${firstMinute * 60}`
        expect(dump(migrated, after)).toEqual(dump(today, after))
        expect(
          migrated.db
            .prepare('SELECT sum(usage_parts_sum(parts, minute, 0, 1e10)) AS b FROM gold_client_usage_parts')
            .get(),
        ).toEqual(totalBefore)
      } finally {
        migrated.close()
      }
    } finally {
      today.close()
      if (old.db.open) old.close()
    }
  })
})
