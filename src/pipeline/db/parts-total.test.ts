// A minute's total, kept in the row of its parts (gold_client_usage_parts.bytes), is the sum of its seconds:
// as the gold stage writes it, and as migration 11 counts it for a database that kept totals in a table of
// their own (gold_client_usage_minute).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Engine } from '../engine'
import { clientUsageQuery } from '../metrics/client-usage'
import { ingestShuffled, randomEvents } from '../metrics/testing/random-network'
import { tempDir } from '../testing/temp-db'
import { UNDO_DEVICE_USAGE_IDS_SQL } from '../testing/undo-device-usage-ids'
import { UNDO_PARTS_TOTAL_SQL } from '../testing/undo-parts-total'
import { UNDO_LATEST_MINUTE_IN_DEVICES_SQL } from '../testing/undo-latest-minute-in-devices'
import { MIGRATIONS } from './migrations'
import { UNDO_CLIENT_MINUTES_SQL } from '../testing/undo-client-minutes'
import { UNDO_CONNECTED_SERIES_SQL } from '../testing/undo-connected-series'
import { undoGoldFile } from '../testing/undo-gold-file'

const START = Date.UTC(2024, 5, 1, 12, 0, 0)

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

type Row = { minute: number; client: string; server: string; bytes: number; seconds: number }

/** Each row's total beside the sum of its seconds, in key order. */
const totals = (engine: Engine): Row[] =>
  engine.db
    .prepare<[], Row>(
      `SELECT minute, client, server, bytes, usage_parts_sum(parts, minute, 0, 1e12) AS seconds
       FROM gold_client_usage_parts ORDER BY minute, client, server`,
    )
    .all()

/** Bytes per client and server over 5-minute windows ending on and off minute boundaries. */
function answers(engine: Engine) {
  const usage = clientUsageQuery(engine.db)
  const start = START / 1000
  return [300, 330, 359, 420, 601, 719, 780].map((s) => usage.perClientServer(start + s, 300))
}

describe("a minute's total of a client's usage", () => {
  it('is the sum of its seconds, for events that arrived in any order', () => {
    const engine = Engine.open(temp.path('a.db'))
    try {
      ingestShuffled(engine, network(31), 5)
      const rows = totals(engine)
      expect(rows.length).toBeGreaterThan(100)
      for (const r of rows) expect(r.bytes, JSON.stringify(r)).toBe(r.seconds)
    } finally {
      engine.close()
    }
  })

  it('migrates from the table of totals: the same totals and answers, and a minute cut by retention counted from the seconds it kept', () => {
    const path = temp.path('v10.db')
    const engine = Engine.open(path)
    const kept = (() => {
      try {
        ingestShuffled(engine, network(32), 5)
        return { rows: totals(engine), answers: answers(engine) }
      } finally {
        engine.close()
      }
    })()
    const [first] = kept.rows
    const cut = { minute: first!.minute - 1, client: 'cut', server: 'retention' }

    // Schema 9, as Vigia wrote it: the totals in gold_client_usage_minute. Its oldest minute, as retention
    // before migration 9 could leave it: a total for seconds that are gone, and a total without any seconds.
    const v10 = Engine.open(path)
    undoGoldFile(v10.db)
    v10.db.exec(UNDO_CONNECTED_SERIES_SQL)
    v10.db.exec(UNDO_CLIENT_MINUTES_SQL)
    v10.db.exec(UNDO_LATEST_MINUTE_IN_DEVICES_SQL)
    v10.db.exec(UNDO_DEVICE_USAGE_IDS_SQL)
    v10.db.exec(UNDO_PARTS_TOTAL_SQL)
    v10.db
      .prepare(
        'UPDATE gold_client_usage_minute SET bytes = bytes + 1000 WHERE (minute, client, server) = (?, ?, ?)',
      )
      .run(first!.minute, first!.client, first!.server)
    v10.db
      .prepare('INSERT INTO gold_client_usage_minute VALUES (?, ?, ?, 5000)')
      .run(cut.minute, cut.client, cut.server)
    v10.db.pragma('user_version = 10')
    const minuteTotal = v10.db
      .prepare('SELECT sum(bytes) FROM gold_client_usage_minute WHERE minute > ?')
      .pluck()
      .get(first!.minute)
    v10.close()

    const migrated = Engine.open(path)
    try {
      expect(migrated.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
      expect(
        migrated.db.prepare("SELECT name FROM sqlite_schema WHERE name = 'gold_client_usage_minute'").all(),
      ).toEqual([])
      expect(totals(migrated)).toEqual(kept.rows)
      expect(answers(migrated)).toEqual(kept.answers)
      expect(
        migrated.db
          .prepare('SELECT sum(bytes) FROM gold_client_usage_parts WHERE minute > ?')
          .pluck()
          .get(first!.minute),
      ).toBe(minuteTotal)
    } finally {
      migrated.close()
    }
  })
})
