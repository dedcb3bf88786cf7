// Pipeline throughput, landing -> gold: Engine.ingestFrames with 100-event NDJSON frames, 10,000 events
// per call, into a database that already holds the simulation's opening connects, against better-sqlite3
// inserting the same events into one plain table in 10k-row transactions. The two alternate chunk by
// chunk, so both see the same machine at the same moment.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnWorker } from '../src/main/worker-client'
import { leaveCheckpointsToOthers } from '../src/pipeline/db/wal-checkpoint'
import { Engine, type IncomingFrame } from '../src/pipeline/engine'
import { FRAME_EVENTS, LIMIT_TRANSACTION_ROWS, SIZES, WARM_EVENTS, type Mode } from './config'
import { lines, ndjsonFile, warmDb } from './datasets'
import { plainTable, rowOf } from './plain-table'
import { medallionFloor } from './medallion-floor'
import { fmt, shareRow, type BenchResult } from './report'
import { resetStages, stageReport, timeStages } from './stage-timer'

/**
 * Bytes handed to write(2) so far (Linux) by this process, or by its main thread only; null where /proc
 * does not say.
 */
function bytesWritten(of: 'process' | 'main thread' = 'main thread'): number | null {
  const path = of === 'process' ? '/proc/self/io' : `/proc/self/task/${process.pid}/io`
  if (!existsSync(path)) return null
  const line = readFileSync(path, 'utf8').match(/^wchar: (\d+)$/m)
  return line ? Number(line[1]) : null
}

export interface IngestFigures {
  /** Events per second through Engine.ingestFrames, and into the plain table. */
  rate: number
  limit: number
  /** Stage timings and bytes written. */
  details: string[]
}

/**
 * Pushes `events` NDJSON lines from `source` through Engine.ingestFrames into the database at `dbPath`
 * (10,000 events per call, a checkpointer thread beside it as in the app), alternating chunk by chunk with
 * the plain-table limit written in `dir`.
 */
export async function measureIngest(
  dir: string,
  dbPath: string,
  source: AsyncIterable<string> | Iterable<string>,
  events: number,
): Promise<IngestFigures> {
  const insertPlain = plainTable(join(dir, 'plain.db'))
  const opening = performance.now()
  const engine = Engine.open(dbPath)
  const openMs = performance.now() - opening
  const devices = engine.db.prepare<[], number>('SELECT count(*) FROM gold_devices').pluck().get()!
  // As in the app (EngineHost): a thread of its own checkpoints the engine's write-ahead log.
  leaveCheckpointsToOthers(engine.db)
  const checkpointer = spawnWorker('checkpoint-worker', { dbPath })
  const processBytesBefore = bytesWritten('process') ?? 0
  const mainBytesBefore = bytesWritten() ?? 0
  timeStages()
  resetStages()
  let engineMs = 0
  let limitMs = 0
  let engineBytes = 0
  let limitBytes = 0
  let accepted = 0
  let chunk: string[] = []
  const runChunk = () => {
    const frames: IncomingFrame[] = []
    for (let i = 0; i < chunk.length; i += FRAME_EVENTS) {
      const bytes = Buffer.from(chunk.slice(i, i + FRAME_EVENTS).join('\n'))
      frames.push({ source: 'bench', seq: null, receivedAt: Date.now(), bytes })
    }
    const rows = chunk.map(rowOf)
    let started = performance.now()
    let written = bytesWritten() ?? 0
    for (const result of engine.ingestFrames(frames)) accepted += result.accepted
    engineMs += performance.now() - started
    engineBytes += (bytesWritten() ?? 0) - written
    started = performance.now()
    written = bytesWritten() ?? 0
    insertPlain(rows)
    limitMs += performance.now() - started
    limitBytes += (bytesWritten() ?? 0) - written
    chunk = []
  }
  for await (const line of source) {
    chunk.push(line)
    if (chunk.length === LIMIT_TRANSACTION_ROWS) runChunk()
  }
  if (chunk.length > 0) runChunk()
  await checkpointer.terminate()
  const checkpointerBytes =
    (bytesWritten('process') ?? 0) - processBytesBefore - ((bytesWritten() ?? 0) - mainBytesBefore)
  engine.close()
  if (accepted !== events) throw new Error(`the engine accepted ${accepted} of ${events} events`)
  return {
    rate: (events / engineMs) * 1000,
    limit: (events / limitMs) * 1000,
    details: [
      `Engine.open, which reads the states of the ${fmt.int(devices)} devices into memory: ${fmt.int(openMs)} ms`,
      ...stageReport(engineMs),
      ...(bytesWritten() === null
        ? []
        : [
            `bytes written to the database files per event: engine ${fmt.int(engineBytes / events)} (and its checkpointer thread ${fmt.int(checkpointerBytes / events)}), plain table ${fmt.int(limitBytes / events)}`,
          ]),
    ],
  }
}

export async function pipelineBench(mode: Mode): Promise<BenchResult> {
  const events = SIZES[mode].pipelineEvents
  const file = await ndjsonFile(SIZES[mode].fileBytes)
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-pipeline-'))
  try {
    await warmDb(join(dir, 'vigia.db'), mode)
    const eventLines: string[] = []
    for await (const line of lines(file, events, WARM_EVENTS)) eventLines.push(line)
    const { rate, limit, details } = await measureIngest(dir, join(dir, 'vigia.db'), eventLines, events)
    // The engines' peak, before the floor below replays gold's writes with every statement's arguments kept.
    const peakRss = process.resourceUsage().maxRSS * 1024
    return {
      rows: [
        shareRow(
          'pipeline throughput, landing -> gold',
          rate,
          limit,
          0.3,
          'events',
          `${fmt.int(events)} events after the first ${fmt.int(WARM_EVENTS)} (already in the database), Engine.ingestFrames of 100 frames x 100 events; limit: the same events into one plain table, 10k-row transactions`,
        ),
      ],
      details: [
        `Pipeline stages over ${fmt.int(events)} events:`,
        ...details,
        // The floor takes longer than the engine's own run: the quick mode, which checks a change to the
        // engine, leaves it to full runs.
        ...(mode === 'full'
          ? await medallionFloor(mode, file, events)
          : ["The medallion's writes alone: measured in full runs only"]),
      ],
      peakRss,
      engine: true,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
