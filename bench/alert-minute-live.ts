// An experiment, not one of the targets: how long the engine stops to judge a minute's alerts as a live
// feed crosses it, at 10 million events. The pipeline-grown benchmark judges its newest whole minute with
// the rest of that minute after it (hundreds of thousands of events); a live engine judges a minute in the
// flush that first holds an event past it, with at most a flush of events after T. So: a copy of the
// metrics benchmark's database, its simulation continued in 10,000-event flushes until one crosses a
// minute, with the time of that flush's alert rules split by part. Takes about 3 minutes (most of it
// skipping the simulation's first 10 million records). Run with `npx tsx bench/alert-minute-live.ts`
// once `npm run bench` has built the database.
import { mkdtempSync, rmSync } from 'node:fs'
import { copyDatabase } from '../src/pipeline/db/gold-file'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AlertEvaluator } from '../src/pipeline/alerts/evaluator'
import { Engine, type IncomingFrame } from '../src/pipeline/engine'
import { createSimulation, recordToLine } from '../src/pipeline/simulator'
import { FRAME_EVENTS, NETWORK, SIZES } from './config'
import { silverDb, silverEventsAfter } from './silver-db'
import { timeCalls } from './stage-timer'

const FLUSH_FRAMES = 100
const MAX_FLUSHES = 200
const { silverEvents } = SIZES.full

const dir = mkdtempSync(join(tmpdir(), 'vigia-alert-minute-'))
try {
  const dbPath = join(dir, 'grown.db')
  copyDatabase(silverDb(silverEvents).path, dbPath)
  const sim = createSimulation(NETWORK)
  for (let i = 0; i < silverEvents; i++) sim.next()
  const engine = Engine.open(dbPath)
  // As a live engine leaves it: every minute up to the newest event's judged.
  engine.db
    .prepare(
      `UPDATE pipeline_watermarks SET last_id = (SELECT max(ts) / 60000 FROM silver_events) WHERE stage = 'alerts'`,
    )
    .run()
  const spent = new Map<string, number>()
  timeCalls(AlertEvaluator.prototype, 'run', 'the alert rules, in all', spent)
  // The parts are the evaluator's own statements, which it keeps as instance fields.
  const evaluator = (engine as unknown as { alerts: Record<string, object> }).alerts
  timeCalls(evaluator, 'connected', 'connected devices per server at T', spent)
  timeCalls(evaluator.clientUsage!, 'atLeast', 'the clients at or above the heavy threshold', spent)
  timeCalls(evaluator, 'usageOf', 'their bytes per server', spent)
  timeCalls(evaluator, 'utilisation', 'server utilisation', spent)
  const judged = () =>
    engine.db
      .prepare<[], { last_id: number }>(`SELECT last_id FROM pipeline_watermarks WHERE stage = 'alerts'`)
      .get()!.last_id
  for (let flush = 0; flush < MAX_FLUSHES; flush++) {
    const frames: IncomingFrame[] = []
    for (let i = 0; i < FLUSH_FRAMES; i++) {
      const lines = Array.from({ length: FRAME_EVENTS }, () => recordToLine(sim.next()))
      frames.push({
        source: 'bench',
        seq: null,
        receivedAt: Date.now(),
        bytes: Buffer.from(lines.join('\n')),
      })
    }
    const before = judged()
    spent.clear()
    const started = performance.now()
    engine.ingestFrames(frames)
    const flushMs = performance.now() - started
    if (judged() === before) continue
    const after = silverEventsAfter(engine.db, judged() * 60_000)
    console.log(
      `The flush that crossed a minute (${flush + 1} flushes of ${FLUSH_FRAMES * FRAME_EVENTS} events after ` +
        `${silverEvents.toLocaleString('en-US')}, ${after.toLocaleString('en-US')} of its events after T): ${Math.round(flushMs)} ms`,
    )
    for (const [label, ms] of spent) console.log(`  ${label}: ${Math.round(ms)} ms`)
    break
  }
  engine.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
