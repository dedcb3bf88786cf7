// The least that the medallion the product asks for (landing keeps every byte, bronze a row per record with
// its lineage, silver a typed row de-duplicated by id) costs per event, then with gold's writes too, against
// the same plain-table limit as the pipeline benchmark. Each layer is written with the engine's own
// statements into a copy of the pipeline benchmark's database (the real schema, its indexes, the writer's
// pragmas and a checkpointer thread beside it, as the app runs), 100-event frames in 10,000-event
// transactions, alternating chunk by chunk with the limit. Gold's writes are those a real engine made for the
// same events, replayed (bench/gold-writes.ts). Splitting frames and validating records happen before the
// clock starts and are reported apart: only the writes are timed, so this is a floor that no engine keeping
// these layers as SQLite rows can go under, not an estimate of one.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { splitFrame, type RawRecord } from '../src/pipeline/bronze/records'
import { BronzeWriter } from '../src/pipeline/bronze/bronze-writer'
import { frameRecords } from '../src/pipeline/bronze/source-records'
import { spawnWorker } from '../src/main/worker-client'
import { openDb, type Db } from '../src/pipeline/db/open'
import { leaveCheckpointsToOthers } from '../src/pipeline/db/wal-checkpoint'
import { Engine } from '../src/pipeline/engine'
import { goldTableNames } from '../src/pipeline/gold/tables'
import { LandingWriter } from '../src/pipeline/landing/landing-writer'
import { SettingsStore } from '../src/pipeline/settings-store'
import { normalize, type SilverEvent } from '../src/pipeline/silver/normalize'
import { silverInsert } from '../src/pipeline/silver/silver-stage'
import { FRAME_EVENTS, LIMIT_TRANSACTION_ROWS, WARM_EVENTS, type Mode } from './config'
import { lines, warmDb } from './datasets'
import { goldReplayer, recordGoldWrites, type GoldWrites } from './gold-writes'
import { plainTable, rowOf } from './plain-table'
import { fmt, median } from './report'
import { tableDump } from './table-dump'

// A frame's bronze is its landing bytes (4d815b8): frames write landing and silver, files a bronze row per
// record as well.
const FRAMES = 'landing + silver, as a frame writes them (its bronze is its landing bytes)'
const LAYERS = [
  'landing',
  'landing + bronze',
  FRAMES,
  'landing + bronze + silver',
  "landing + bronze + silver + gold's writes",
] as const
const GOLD = LAYERS[4]
type Layers = (typeof LAYERS)[number]

/** A chunk made ready before the clock starts: its frames, their records, and the records as silver rows. */
interface Chunk {
  frames: Buffer[]
  records: RawRecord[][]
  events: SilverEvent[][]
  plainRows: ReturnType<typeof rowOf>[]
  /** Gold's writes for these events, as an engine made them (the last layer only). */
  goldWrites: GoldWrites
  /** Time taken by splitting the frames and validating their records, which the floor leaves out. */
  splitAndValidateMs: number
}

function prepare(chunkLines: string[], context: ReturnType<SettingsStore['normalizeContext']>): Chunk {
  const frames: Buffer[] = []
  for (let i = 0; i < chunkLines.length; i += FRAME_EVENTS)
    frames.push(Buffer.from(chunkLines.slice(i, i + FRAME_EVENTS).join('\n')))
  const started = performance.now()
  const records = frames.map((bytes) => {
    const split = splitFrame(bytes)
    if (!split.ok) throw new Error(split.error)
    return split.records
  })
  const receivedAt = Date.now()
  const events = records.map((frame) =>
    frame.map((r) => {
      const result = normalize(r.raw, r.format, { ...context, receivedAt })
      if (!result.ok) throw new Error(`line ${r.line}: ${result.rejection.reason}`)
      return result.event
    }),
  )
  const splitAndValidateMs = performance.now() - started
  return {
    frames,
    records,
    events,
    plainRows: chunkLines.map(rowOf),
    goldWrites: { sql: [], writes: [] },
    splitAndValidateMs,
  }
}

/** Writes a chunk's layers, up to `layers`, in one transaction, as the engine's flush does. */
function writer(db: Db, layers: Layers, goldByTable: Map<string, number>) {
  const landing = new LandingWriter(db)
  const bronze = new BronzeWriter(db)
  const silver = silverInsert(db)
  const replayGold = goldReplayer(db, goldByTable)
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
      const rows =
        layers === FRAMES
          ? frameRecords(landingId, receivedAt, chunk.records[f]!)
          : bronze.insert(landingId, receivedAt, chunk.records[f]!, landingId)
      if (layers === 'landing + bronze') return
      chunk.events[f]!.forEach((e, i) => {
        const { changes } = silver(e, rows[i]!)
        if (changes !== 1) throw new Error(`event ${e.event_id} was already in silver`)
      })
    })
    if (layers === GOLD) replayGold(chunk.goldWrites)
  })
}

async function measure(
  mode: Mode,
  file: string,
  events: number,
  layers: Layers,
): Promise<{
  usPerEvent: number
  limitUs: number
  splitAndValidateUs: number
  goldByTable: Map<string, number>
}> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-medallion-floor-'))
  try {
    await warmDb(join(dir, 'vigia.db'), mode)
    const db = openDb(join(dir, 'vigia.db'))
    // As the engine runs (EngineHost): a thread of its own checkpoints the log, the writer only appends.
    leaveCheckpointsToOthers(db)
    const checkpointer = spawnWorker('checkpoint-worker', { dbPath: join(dir, 'vigia.db') })
    const context = new SettingsStore(db).normalizeContext()
    const goldByTable = new Map<string, number>()
    const write = writer(db, layers, goldByTable)
    const insertPlain = plainTable(join(dir, 'plain.db'))
    // Gold's writes come from a real engine given the same frames, on a copy of the same database.
    let recorder: Engine | null = null
    if (layers === GOLD) {
      await warmDb(join(dir, 'recorder.db'), mode)
      recorder = Engine.open(join(dir, 'recorder.db'))
    }
    let writeMs = 0
    let limitMs = 0
    let splitAndValidateMs = 0
    let chunk: string[] = []
    const run = () => {
      const ready = prepare(chunk, context)
      splitAndValidateMs += ready.splitAndValidateMs
      if (recorder) {
        const engine = recorder
        const frames = ready.frames.map((bytes) => ({
          source: 'bench',
          seq: null,
          receivedAt: Date.now(),
          bytes,
        }))
        ready.goldWrites = recordGoldWrites(engine.db, () => engine.ingestFrames(frames)).recorded
      }
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
    if (recorder) {
      // The replay must have written the very gold the engine did, or it measured something else.
      for (const table of goldTableNames())
        if (tableDump(db, table) !== tableDump(recorder.db, table))
          throw new Error(`the replay of gold's writes left ${table} unlike the engine's`)
      recorder.close()
    }
    await checkpointer.terminate()
    db.close()
    return {
      usPerEvent: (writeMs * 1000) / events,
      limitUs: (limitMs * 1000) / events,
      splitAndValidateUs: (splitAndValidateMs * 1000) / events,
      goldByTable,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The floor of each layer in turn, over `events` events of `file` after the warm ones: report lines. */
export async function medallionFloor(mode: Mode, file: string, events: number): Promise<string[]> {
  const report = [
    `The medallion's writes alone, over the same ${fmt.int(events)} events (no splitting, no validation, no gold's JavaScript; each beside the limit again):`,
  ]
  const us = new Map<Layers, number>()
  const splitAndValidate: number[] = []
  for (const layers of LAYERS) {
    const { usPerEvent, limitUs, splitAndValidateUs, goldByTable } = await measure(mode, file, events, layers)
    us.set(layers, usPerEvent)
    splitAndValidate.push(splitAndValidateUs)
    report.push(
      `  ${layers}: ${usPerEvent.toFixed(1)} us per event, ${fmt.int(1e6 / usPerEvent)} events/s, ${((limitUs / usPerEvent) * 100).toFixed(1)} % of the limit`,
    )
    if (goldByTable.size > 0)
      report.push(
        `    gold's writes by table, us per event: ${[...goldByTable]
          .sort((a, b) => b[1] - a[1])
          .map(([table, ms]) => `${table} ${((ms * 1000) / events).toFixed(1)}`)
          .join(', ')}`,
      )
  }
  // Splitting and validating were done before each clock; a writer must do them too, on the same thread.
  const checks = median(splitAndValidate)
  const withChecks = (layers: Layers) => {
    const total = us.get(layers)! + checks
    return `${total.toFixed(1)} us per event, ${fmt.int(1e6 / total)} events/s`
  }
  report.push(
    `  splitting the frames and validating the records (left out above): ${checks.toFixed(1)} us per event`,
    `  so, with them, one writer that answers with silver's counts: at least ${withChecks(FRAMES)} for frames, ${withChecks(LAYERS[3])} for a file's records; one that also keeps today's gold tables (with a file's bronze rows): at least ${withChecks(GOLD)}`,
  )
  return report
}
