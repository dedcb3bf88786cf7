// An experiment, not one of the targets: what the engine would take if gold had a file and a writer thread
// of its own, beside the writer of landing, bronze and silver, instead of folding in the same transaction
// (docs/benchmarks.md, "Event -> metrics latency"). SQLite lets one writer per file at a time, so two
// writers run at once only on two files. In one run, on the same events after the warm ones, each on a copy
// of the warm database:
// - today's engine: Engine.ingestFrames, 100 frames of 100 events per call;
// - split: this thread lands, writes bronze and silver (the engine's own stages) and posts each call's
//   accepted rows to a gold thread, which folds them into its own copy, each time with every call's rows
//   that waited meanwhile; the rate counts until gold has folded the last event.
// Each file has its checkpointer thread, as in the app. Run with `npx tsx bench/split-gold.ts [events]`; the
// datasets must exist (`npm run bench`).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Worker } from 'node:worker_threads'
import { sourceWorker, spawnWorker } from '../src/main/worker-client'
import { splitFrame } from '../src/pipeline/bronze/records'
import { frameRecords, type SourceRecord } from '../src/pipeline/bronze/source-records'
import { openDb } from '../src/pipeline/db/open'
import { leaveCheckpointsToOthers } from '../src/pipeline/db/wal-checkpoint'
import { Engine, type IncomingFrame } from '../src/pipeline/engine'
import { LandingWriter } from '../src/pipeline/landing/landing-writer'
import { SettingsStore } from '../src/pipeline/settings-store'
import { SilverStage, type SilverRow } from '../src/pipeline/silver/silver-stage'
import { Watermarks } from '../src/pipeline/watermarks'
import { FRAME_EVENTS, FRAMES_PER_CALL, SIZES, WARM_EVENTS } from './config'
import { framesOf, lines, ndjsonFile, warmDb } from './datasets'
import { fmt } from './report'

const events = Number(process.argv[2] ?? SIZES.full.pipelineEvents)
const CALL_EVENTS = FRAME_EVENTS * FRAMES_PER_CALL

/** The events as the endpoint hands them to the engine: calls of 100 frames of 100 events. */
async function calls(): Promise<IncomingFrame[][]> {
  const out: IncomingFrame[][] = [[]]
  const source = lines(await ndjsonFile(SIZES.full.fileBytes), events, WARM_EVENTS)
  for await (const bytes of framesOf(source, FRAME_EVENTS)) {
    if (out.at(-1)!.length === FRAMES_PER_CALL) out.push([])
    out.at(-1)!.push({ source: 'bench', seq: null, receivedAt: Date.now(), bytes })
  }
  return out
}

function checkpointer(dbPath: string): Worker {
  return spawnWorker('checkpoint-worker', { dbPath })
}

async function today(dir: string, work: IncomingFrame[][]): Promise<number> {
  const dbPath = join(dir, 'today.db')
  await warmDb(dbPath, 'full')
  const engine = Engine.open(dbPath)
  leaveCheckpointsToOthers(engine.db)
  const cp = checkpointer(dbPath)
  const started = performance.now()
  let accepted = 0
  for (const frames of work) for (const r of engine.ingestFrames(frames)) accepted += r.accepted
  const ms = performance.now() - started
  await cp.terminate()
  engine.close()
  if (accepted !== events) throw new Error(`today's engine accepted ${accepted} of ${events}`)
  return ms
}

function goldThread(dbPath: string): Worker {
  return sourceWorker(new URL('./split-gold-worker.ts', import.meta.url), { workerData: { dbPath } })
}

async function split(
  dir: string,
  work: IncomingFrame[][],
): Promise<{ ms: number; silverMs: number; goldMs: number; lagMs: number }> {
  const silverPath = join(dir, 'silver.db')
  const goldPath = join(dir, 'gold.db')
  await warmDb(silverPath, 'full')
  await warmDb(goldPath, 'full')
  const db = openDb(silverPath)
  leaveCheckpointsToOthers(db)
  const landing = new LandingWriter(db)
  const silver = new SilverStage(db, new Watermarks(db))
  const context = new SettingsStore(db).normalizeContext()
  const write = db.transaction((frames: IncomingFrame[]): SilverRow[] => {
    const rows: SourceRecord[] = []
    for (const frame of frames) {
      const split = splitFrame(frame.bytes)
      if (!split.ok) throw new Error(split.error)
      const landingId = landing.insert({ ...frame, kind: 'frame', seq: null, error: null })
      rows.push(...frameRecords(landingId, frame.receivedAt, split.records))
    }
    return silver.process(rows, context, landing.lastId()).accepted
  })
  const checkpointers = [checkpointer(silverPath), checkpointer(goldPath)]
  const gold = goldThread(goldPath)
  await new Promise((resolve) => gold.once('message', resolve))
  let folded = 0
  let goldMs = 0
  const done = new Promise<number>((resolve) =>
    gold.on('message', (m: { folded: number; busyMs: number }) => {
      folded += m.folded
      goldMs += m.busyMs
      if (folded === events) resolve(performance.now())
    }),
  )
  const started = performance.now()
  let silverMs = 0
  for (const frames of work) {
    const t = performance.now()
    const accepted = write(frames)
    silverMs += performance.now() - t
    gold.postMessage(accepted)
    // Let the gold thread's replies in between calls, as the endpoint's event loop would.
    await new Promise((resolve) => setImmediate(resolve))
  }
  const silverDone = performance.now()
  const end = await done
  gold.postMessage(null)
  await Promise.all(checkpointers.map((c) => c.terminate()))
  db.close()
  return { ms: end - started, silverMs, goldMs, lagMs: end - silverDone }
}

const dir = mkdtempSync(join(tmpdir(), 'vigia-split-gold-'))
try {
  const work = await calls()
  const todayMs = await today(dir, work)
  const s = await split(dir, work)
  const rate = (ms: number) => fmt.rate((events / ms) * 1000, 'events')
  const us = (ms: number) => `${((ms * 1000) / events).toFixed(1)} us per event`
  console.log(
    `${fmt.int(events)} events after the warm ${fmt.int(WARM_EVENTS)}, calls of ${fmt.int(CALL_EVENTS)}:`,
  )
  console.log(`  today, one writer:  ${rate(todayMs)} (${us(todayMs)})`)
  console.log(`  split, two writers: ${rate(s.ms)} until gold folded the last event (${us(s.ms)})`)
  console.log(`    landing + bronze + silver thread busy ${us(s.silverMs)}; gold thread busy ${us(s.goldMs)}`)
  console.log(`    gold finished ${fmt.int(s.lagMs)} ms after silver's last commit`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
