// 13: gold keeps the silver ids of each device's usage samples per minute (gold_device_minutes.usage_ids), and
// silver loses its index of usage samples by minute and device. That index served one lookup, a late
// connect re-attributing its device's samples to its type, and cost every sample a random page of the
// index: 19 µs an event in a flush of 250 events, 2.5 in one of 10,000 (docs/benchmarks.md). The ids are
// unsigned LEB128 varints of the ids themselves, ascending (gold/id-list.ts), read here from the index it
// replaces, one minute at a time.
// Frozen: the text of an applied migration never changes (migrations.test.ts).
import type { Db } from '../open'

function encode(ids: readonly number[]): Buffer {
  const bytes: number[] = []
  for (let v of ids) {
    while (v >= 128) {
      bytes.push((v % 128) + 128)
      v = Math.floor(v / 128)
    }
    bytes.push(v)
  }
  return Buffer.from(bytes)
}

function fillUsageIds(db: Db): void {
  const minutes = db
    .prepare<[], number>(
      `SELECT DISTINCT (ts + 59999) / 60000 FROM silver_events WHERE type = 'usage' ORDER BY 1`,
    )
    .pluck()
  const samples = db
    .prepare<[number], [string, number]>(
      `SELECT device, id FROM silver_events
       WHERE type = 'usage' AND (ts + 59999) / 60000 = ? ORDER BY device, id`,
    )
    .raw()
  const update = db.prepare('UPDATE gold_device_minutes SET usage_ids = ? WHERE minute = ? AND device = ?')
  for (const minute of minutes.all()) {
    const rows = samples.all(minute)
    for (let i = 0; i < rows.length;) {
      const device = rows[i]![0]
      const ids: number[] = []
      for (; i < rows.length && rows[i]![0] === device; i++) ids.push(rows[i]![1])
      update.run(encode(ids), minute, device)
    }
  }
}

export default {
  sql: `ALTER TABLE gold_device_minutes ADD COLUMN usage_ids BLOB;`,
  then: (db: Db) => {
    fillUsageIds(db)
    db.exec('DROP INDEX silver_events_usage_minute;')
  },
}
