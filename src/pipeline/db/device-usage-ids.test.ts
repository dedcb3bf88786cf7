// Each device's activity per minute, kept in gold_device_minutes (its latest minute in its gold_devices row):
// as the gold stage writes it for events in any order, and the usage ids as migration 13 reads them from the
// silver index it drops.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { EVERY_DEVICE_MINUTE_SQL } from '../gold/device-minutes'
import { decodeIds } from '../gold/id-list'
import { ingestShuffled, randomEvents } from '../metrics/testing/random-network'
import { tempDir } from '../testing/temp-db'
import { UNDO_DEVICE_USAGE_IDS_SQL } from '../testing/undo-device-usage-ids'
import { UNDO_LATEST_MINUTE_IN_DEVICES_SQL } from '../testing/undo-latest-minute-in-devices'
import { MIGRATIONS } from './migrations'
import { UNDO_CLIENT_MINUTES_SQL } from '../testing/undo-client-minutes'
import { UNDO_CONNECTED_SERIES_SQL } from '../testing/undo-connected-series'
import { undoGoldFile } from '../testing/undo-gold-file'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

let temp: ReturnType<typeof tempDir>
beforeEach(() => (temp = tempDir()))
afterEach(() => temp.remove())

const network = (seed: number) =>
  randomEvents({ seed, start: START, minutes: 12, events: 3000, devices: 40, clients: 12, servers: 3 })

type Row = { minute: number; device: string; first: number; last: number; ids: number[] }

/** Every device minute (its own row, or the device's for its latest) with its ids decoded, in key order. */
const kept = (engine: Engine): Row[] =>
  engine.db
    .prepare<
      [],
      { minute: number; device: string; first_ts: number; last_ts: number; usage_ids: Buffer | null }
    >(`SELECT * FROM (${EVERY_DEVICE_MINUTE_SQL}) ORDER BY minute, device`)
    .all()
    .map((r) => ({
      minute: r.minute,
      device: r.device,
      first: r.first_ts,
      last: r.last_ts,
      ids: r.usage_ids ? decodeIds(r.usage_ids) : [],
    }))

/** The same from silver: each device's events by the minute of their time, usage ids ascending. */
function fromSilver(engine: Engine): Row[] {
  const rows = engine.db
    .prepare<[], { minute: number; device: string; id: number; ts: number; type: string }>(
      'SELECT (ts + 59999) / 60000 AS minute, device, id, ts, type FROM silver_events ORDER BY minute, device, id',
    )
    .all()
  const out: Row[] = []
  for (const r of rows) {
    const last = out.at(-1)
    const row =
      last && last.minute === r.minute && last.device === r.device
        ? last
        : out[out.push({ minute: r.minute, device: r.device, first: r.ts, last: r.ts, ids: [] }) - 1]!
    row.first = Math.min(row.first, r.ts)
    row.last = Math.max(row.last, r.ts)
    if (r.type === 'usage') row.ids.push(r.id)
  }
  return out
}

/** Rows of gold_device_minutes for their device's latest minute, which its gold_devices row holds instead. */
const latestInBoth = (engine: Engine): number =>
  engine.db
    .prepare<[], number>(
      `SELECT count(*) FROM gold_device_minutes m JOIN gold_devices d
       ON d.device = m.device AND m.minute = (d.last_seen + 59999) / 60000`,
    )
    .pluck()
    .get()!

describe("a device's usage samples per minute", () => {
  it('are its first and last event and the silver ids of its samples in that minute, ascending, for events that arrived in any order, its latest minute in its own row', () => {
    const engine = Engine.open(temp.path('a.db'))
    try {
      ingestShuffled(engine, network(41), 7)
      const rows = kept(engine)
      expect(rows.filter((r) => r.ids.length > 1).length).toBeGreaterThan(50)
      expect(rows).toEqual(fromSilver(engine))
      expect(latestInBoth(engine)).toBe(0)
    } finally {
      engine.close()
    }
  })

  it('are read from silver by migration 13, which drops the index of usage samples by minute and device', () => {
    const path = temp.path('v12.db')
    const engine = Engine.open(path)
    ingestShuffled(engine, network(42), 3)
    const written = kept(engine)
    undoGoldFile(engine.db)
    engine.db.exec(UNDO_CONNECTED_SERIES_SQL)
    engine.db.exec(UNDO_CLIENT_MINUTES_SQL)
    engine.db.exec(UNDO_LATEST_MINUTE_IN_DEVICES_SQL)
    engine.db.exec(UNDO_DEVICE_USAGE_IDS_SQL)
    engine.db.pragma('user_version = 12')
    engine.close()

    const migrated = Engine.open(path)
    try {
      expect(migrated.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(kept(migrated)).toEqual(written)
      const index = migrated.db
        .prepare("SELECT name FROM sqlite_schema WHERE name = 'silver_events_usage_minute'")
        .get()
      expect(index).toBeUndefined()
    } finally {
      migrated.close()
    }
  })
})
