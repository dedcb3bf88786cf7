// An experiment, not one of the targets: what silver's UNIQUE index on event_id costs per event as silver
// grows, by the shape of the ids devices send. The simulator's ids are in time order, so every new id goes
// at the index's right edge; the two shapes the protocol suggested (`<device>-<sequence>` and a random UUID)
// land all over it, so a flush dirties about one index page per event once the index outgrows the flush.
// A table with silver's id columns and a row of about silver's size, the writer's pragmas and page cache,
// 10,000-row transactions as the engine's flushes. Run with `npx tsx bench/event-ids.ts [events]`.
import Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fmt } from './report'

const GROWN = Number(process.argv[2] ?? 3_000_000)
const MEASURED = 200_000
const FLUSH = 10_000
const DEVICES = 255_000
const START = Date.UTC(2025, 2, 3)

/** A device chosen at random (a fixed sequence), as events arrive from many devices at once. */
function randomDevices(): () => number {
  let x = 7
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648
    return x % DEVICES
  }
}

const SHAPES: Record<string, () => (i: number) => string> = {
  // As the simulator writes them: a time prefix, then a counter.
  'time-ordered (the simulator)': () => (i) => `s7-${(START + Math.floor(i / 20)).toString(36)}-${i % 20}`,
  '<device>-<sequence>': () => {
    const next = randomDevices()
    const sequence = new Uint32Array(DEVICES)
    return () => {
      const device = next()
      return `56:10:0e:${device.toString(16).padStart(6, '0')}-${String(sequence[device]!++).padStart(8, '0')}`
    }
  },
  'random UUID (v4)': () => () => randomUUID(),
}

interface Figures {
  growS: number
  usPerEvent: number
  walBytesPerEvent: number
  indexPages: number
}

function measure(dir: string, idOf: (i: number) => string): Figures {
  const path = join(dir, 'ids.db')
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('cache_size = -65536')
  db.exec(`CREATE TABLE silver (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
    ts INTEGER NOT NULL, device TEXT NOT NULL, rest TEXT NOT NULL) STRICT`)
  const insert = db.prepare('INSERT OR IGNORE INTO silver (event_id, ts, device, rest) VALUES (?, ?, ?, ?)')
  const rest = 'x'.repeat(80)
  const flush = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(idOf(i), START + i, `d${i % DEVICES}`, rest)
  })
  const started = performance.now()
  for (let i = 0; i < GROWN; i += FLUSH) {
    flush(i, i + FLUSH)
    if (i % 500_000 === 0) db.pragma('wal_checkpoint(TRUNCATE)')
  }
  const growS = (performance.now() - started) / 1000
  db.pragma('wal_checkpoint(TRUNCATE)')
  let ms = 0
  let walBytes = 0
  for (let i = GROWN; i < GROWN + MEASURED; i += FLUSH) {
    const t = performance.now()
    flush(i, i + FLUSH)
    ms += performance.now() - t
    walBytes += statSync(`${path}-wal`).size
    db.pragma('wal_checkpoint(TRUNCATE)')
  }
  const indexPages = db
    .prepare("SELECT count(*) FROM dbstat WHERE name = 'sqlite_autoindex_silver_1'")
    .pluck()
    .get() as number
  db.close()
  return { growS, usPerEvent: (ms * 1000) / MEASURED, walBytesPerEvent: walBytes / MEASURED, indexPages }
}

console.log(
  `silver grown to ${fmt.int(GROWN)} events, then ${fmt.int(MEASURED)} more in flushes of ${fmt.int(FLUSH)}:`,
)
for (const [shape, ids] of Object.entries(SHAPES)) {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-event-ids-'))
  try {
    const f = measure(dir, ids())
    console.log(
      `${shape}: ${f.usPerEvent.toFixed(1)} µs and ${fmt.int(f.walBytesPerEvent)} bytes of log per event; ` +
        `index ${fmt.int(f.indexPages)} pages; growing took ${f.growS.toFixed(0)} s`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
