// The least that the medallion the product asks for (landing keeps every byte, bronze a row per record with
// its lineage, silver a typed row de-duplicated by id) costs per event, before any gold, against the same
// plain-table limit as the pipeline benchmark. Each layer is written with the engine's own statements into a
// copy of the pipeline benchmark's database (the real schema, its indexes and the writer's pragmas), 100-event
// frames in 10,000-event transactions, alternating chunk by chunk with the limit. Splitting frames and
// validating records happen before the clock starts: only the writes are timed, so this is a floor that no
// engine keeping these layers as SQLite rows can go under, not an estimate of one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { splitFrame, type RawRecord } from '../src/pipeline/bronze/records'
import { BronzeWriter } from '../src/pipeline/bronze/bronze-writer'
import { openDb, type Db } from '../src/pipeline/db/open'
import { LandingWriter } from '../src/pipeline/landing/landing-writer'
import { SettingsStore } from '../src/pipeline/settings-store'
import { normalize, type SilverEvent } from '../src/pipeline/silver/normalize'
import { silverInsert } from '../src/pipeline/silver/silver-stage'
import { FRAME_EVENTS, LIMIT_TRANSACTION_ROWS, WARM_EVENTS, type Mode } from './config'
import { lines, warmDb } from './datasets'
import { plainTable, rowOf } from './plain-table'
import { fmt } from './report'

const LAYERS = ['landing', 'landing + bronze', 'landing + bronze + silver'] as const
type Layers = (typeof LAYERS)[number]

/** A chunk made ready before the clock starts: its frames, their records, and the records as silver rows. */
interface Chunk {
  frames: Buffer[]
  records: RawRecord[][]
  events: SilverEvent[][]
  plainRows: ReturnType<typeof rowOf>[]
}

function prepare(chunkLines: string[], context: ReturnType<SettingsStore['normalizeContext']>): Chunk {
  const frames: Buffer[] = []
  for (let i = 0; i < chunkLines.length; i += FRAME_EVENTS)
    frames.push(Buffer.from(chunkLines.slice(i, i + FRAME_EVENTS).join('\n')))
  const records = frames.map((bytes) => {
    const split = splitFrame(bytes)
    if (!split.ok) throw new Error(split.error)
    return split.records
  })
  const receivedAt = Date.now()
  const events = records.map((frame) =>
    frame.map((r) => {
      const result = normalize(r.raw, r.format, r.line, { ...context, receivedAt })
      if (!result.ok) throw new Error(`line ${r.line}: ${result.rejection.reason}`)
      return result.event
    }),
  )
  return { frames, records, events, plainRows: chunkLines.map(rowOf) }
}

/** Writes a chunk's layers, up to `layers`, in one transaction, as the engine's flush does. */
function writer(db: Db, layers: Layers) {
  const landing = new LandingWriter(db)
  const bronze = new BronzeWriter(db)
  const silver = silverInsert(db)
  return db.transaction((chunk: Chunk) => {
    chunk.frames.forEach((bytes, f) => {
      const receivedAt = Date.now()
      const landingId = landing.insert({
        source: 'bench',
        kind: 'frame',
        seq: null,
        receivedAt,
        bytes,
        error: null,
      })
      if (layers === 'landing') return
      const rows = bronze.insert(landingId, receivedAt, chunk.records[f]!)
      if (layers === 'landing + bronze') return
      chunk.events[f]!.forEach((e, i) => {
        const { changes } = silver(e, rows[i]!.id)
        if (changes !== 1) throw new Error(`event ${e.event_id} was already in silver`)
      })
    })
  })
}

async function measure(
  mode: Mode,
  file: string,
  events: number,
  layers: Layers,
): Promise<{ usPerEvent: number; limitUs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-medallion-floor-'))
  try {
    await warmDb(join(dir, 'vigia.db'), mode)
    const db = openDb(join(dir, 'vigia.db'))
    const context = new SettingsStore(db).normalizeContext()
    const write = writer(db, layers)
    const insertPlain = plainTable(join(dir, 'plain.db'))
    let writeMs = 0
    let limitMs = 0
    let chunk: string[] = []
    const run = () => {
      const ready = prepare(chunk, context)
      let started = performance.now()
      write(ready)
      writeMs += performance.now() - started
      started = performance.now()
      insertPlain(ready.plainRows)
      limitMs += performance.now() - started
      chunk = []
    }
    for await (const line of lines(file, events, WARM_EVENTS)) {
      chunk.push(line)
      if (chunk.length === LIMIT_TRANSACTION_ROWS) run()
    }
    if (chunk.length > 0) run()
    db.close()
    return { usPerEvent: (writeMs * 1000) / events, limitUs: (limitMs * 1000) / events }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The floor of each layer in turn, over `events` events of `file` after the warm ones: report lines. */
export async function medallionFloor(mode: Mode, file: string, events: number): Promise<string[]> {
  const report = [
    `The medallion's writes alone, over the same ${fmt.int(events)} events (no splitting, no validation, no gold; each beside the limit again):`,
  ]
  for (const layers of LAYERS) {
    const { usPerEvent, limitUs } = await measure(mode, file, events, layers)
    report.push(
      `  ${layers}: ${usPerEvent.toFixed(1)} us per event, ${fmt.int(1e6 / usPerEvent)} events/s, ${((limitUs / usPerEvent) * 100).toFixed(1)} % of the limit`,
    )
  }
  return report
}
