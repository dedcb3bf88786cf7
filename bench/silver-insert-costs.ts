// What silver's row costs by what it is indexed by: `npx tsx bench/silver-insert-costs.ts` builds the silver
// table in variants (today's, and with fewer indexes down to the bare table), fills each with the warmed
// benchmark database's silver rows, and times the engine's insert of the quick pipeline benchmark's 60,000
// events in 10,000-row transactions (SILVER_BATCH sets another size; the writer's pragmas, no checkpointer). The floor under any engine
// that keeps a silver row per event with these columns.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { normalize, type SilverEvent } from '../src/pipeline/silver/normalize'
import { silverInsert } from '../src/pipeline/silver/silver-stage'
import { LIMIT_TRANSACTION_ROWS, SIZES, WARM_EVENTS } from './config'
import { lines, ndjsonFile, warmDb } from './datasets'

const COLUMNS = `ts INTEGER NOT NULL, type TEXT NOT NULL CHECK (type IN ('connect','disconnect','usage','flow')),
  server TEXT, device TEXT NOT NULL, client TEXT, peer TEXT, device_type TEXT, plan_mbps REAL, ip TEXT,
  bytes_down INTEGER, bytes_up INTEGER, bytes INTEGER, duration_ms INTEGER, bronze_id INTEGER NOT NULL,
  landing_id INTEGER, line INTEGER`
// Today's secondary indexes (migrations 1, 7, 10 and 13).
const INDEXES = [
  `CREATE INDEX s_status ON silver_events(device, ts) WHERE type IN ('connect','disconnect')`,
  `CREATE INDEX s_client_connect ON silver_events(client, ts) WHERE type = 'connect'`,
  `CREATE INDEX s_type_ts ON silver_events(type, ts, device)`,
]
const TABLE = (id: string, eventId: string) =>
  `CREATE TABLE silver_events (id ${id}, event_id ${eventId}, ${COLUMNS}) STRICT`
const VARIANTS: Record<string, string[]> = {
  "today's": [TABLE('INTEGER PRIMARY KEY AUTOINCREMENT', 'TEXT NOT NULL UNIQUE'), ...INDEXES],
  'without AUTOINCREMENT': [TABLE('INTEGER PRIMARY KEY', 'TEXT NOT NULL UNIQUE'), ...INDEXES],
  'the table and its unique event id': [TABLE('INTEGER PRIMARY KEY', 'TEXT NOT NULL UNIQUE')],
  'the table alone': [TABLE('INTEGER PRIMARY KEY', 'TEXT NOT NULL')],
}
const ROUNDS = 2
// Events per transaction: the benchmark's 10,000 by default; `SILVER_BATCH=250` is about what a flush of
// one-event WebSocket frames holds.
const BATCH = Number(process.env.SILVER_BATCH ?? LIMIT_TRANSACTION_ROWS)

const dir = mkdtempSync(join(tmpdir(), 'vigia-silver-costs-'))
try {
  const warm = join(dir, 'warm.db')
  await warmDb(warm, 'quick')
  const context = { receivedAt: Date.now(), seedTimeZone: 'UTC', seedServer: 'seed' }
  const events: SilverEvent[] = []
  for await (const line of lines(
    await ndjsonFile(SIZES.quick.fileBytes),
    SIZES.quick.pipelineEvents,
    WARM_EVENTS,
  )) {
    const result = normalize(line, 'json', context)
    if (result.ok) events.push(result.event)
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [name, ddl] of Object.entries(VARIANTS)) {
      const path = join(dir, 'variant.db')
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true })
      const db = new Database(path)
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
      db.pragma('cache_size = -65536')
      for (const statement of ddl) db.exec(statement)
      db.exec(`ATTACH '${warm}' AS w`)
      db.exec(`INSERT INTO silver_events SELECT id, event_id, ts, type, server, device, client, peer, device_type, plan_mbps, ip,
        bytes_down, bytes_up, bytes, duration_ms, bronze_id, landing_id, line FROM w.silver_events`)
      db.exec('DETACH w')
      // The engine's own statement (the variants keep the table's name and columns).
      const insert = silverInsert(db)
      const lineage = { bronze_id: 0, landing_id: 1, line: 1 }
      const write = db.transaction((batch: SilverEvent[]) => {
        for (const e of batch) insert(e, lineage)
      })
      const started = performance.now()
      for (let i = 0; i < events.length; i += BATCH) write(events.slice(i, i + BATCH))
      const us = ((performance.now() - started) * 1000) / events.length
      console.log(`round ${round}, ${name.padEnd(34)} ${us.toFixed(1).padStart(5)} µs per event`)
      db.close()
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
