// Each device's usage samples per minute, kept as silver ids in gold_device_minutes.usage_ids: as the gold
// stage writes them for events in any order, and as migration 13 reads them from the silver index it drops.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { decodeIds } from '../gold/id-list'
import { ingestShuffled, randomEvents } from '../metrics/testing/random-network'
import { tempDir } from '../testing/temp-db'
import { UNDO_DEVICE_USAGE_IDS_SQL } from '../testing/undo-device-usage-ids'
import { MIGRATIONS } from './migrations'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

let temp: ReturnType<typeof tempDir>
beforeEach(() => (temp = tempDir()))
afterEach(() => temp.remove())

const network = (seed: number) =>
  randomEvents({ seed, start: START, minutes: 12, events: 3000, devices: 40, clients: 12, servers: 3 })

type Row = { minute: number; device: string; ids: number[] }

/** Every row of gold_device_minutes with its ids decoded, in key order. */
const kept = (engine: Engine): Row[] =>
  engine.db
    .prepare<[], { minute: number; device: string; usage_ids: Buffer | null }>(
      'SELECT minute, device, usage_ids FROM gold_device_minutes ORDER BY minute, device',
    )
    .all()
    .map((r) => ({ minute: r.minute, device: r.device, ids: r.usage_ids ? decodeIds(r.usage_ids) : [] }))

/** The same from silver: each device's usage samples by the minute of their time, ids ascending. */
function fromSilver(engine: Engine): Row[] {
  const rows = engine.db
    .prepare<[], { minute: number; device: string; id: number; type: string }>(
      'SELECT (ts + 59999) / 60000 AS minute, device, id, type FROM silver_events ORDER BY minute, device, id',
    )
    .all()
  const out: Row[] = []
  for (const r of rows) {
    const last = out.at(-1)
    const row =
      last && last.minute === r.minute && last.device === r.device
        ? last
        : out[out.push({ minute: r.minute, device: r.device, ids: [] }) - 1]!
    if (r.type === 'usage') row.ids.push(r.id)
  }
  return out
}

describe("a device's usage samples per minute", () => {
  it('are the silver ids of its samples in that minute, ascending, for events that arrived in any order', () => {
    const engine = Engine.open(temp.path('a.db'))
    try {
      ingestShuffled(engine, network(41), 7)
      const rows = kept(engine)
      expect(rows.filter((r) => r.ids.length > 1).length).toBeGreaterThan(50)
      expect(rows).toEqual(fromSilver(engine))
    } finally {
      engine.close()
    }
  })

  it('are read from silver by migration 13, which drops the index of usage samples by minute and device', () => {
    const path = temp.path('v12.db')
    const engine = Engine.open(path)
    ingestShuffled(engine, network(42), 3)
    const written = kept(engine)
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
