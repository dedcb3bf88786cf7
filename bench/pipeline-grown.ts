// The engine on a grown database: the pipeline benchmark's events pushed into a copy of the metrics
// benchmark's database (10 million silver events, 1 million in quick mode), continuing its simulation.
// The pipeline benchmark starts from 150,000 events, where every b-tree is small and a past minute is cheap
// to judge; this one shows what hours of traffic cost (it found alert judging at 135 s a minute, issue #6).
import { mkdtempSync, rmSync } from 'node:fs'
import { copyDatabase } from '../src/pipeline/db/gold-file'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../src/pipeline/engine'
import { NETWORK, SIZES, type Mode } from './config'
import { lines, nextLinesFile } from './datasets'
import { measureIngest } from './pipeline'
import { fmt, median, shareRow, type BenchResult } from './report'
import { silverDb, silverEventsAfter } from './silver-db'

const MINUTE = 60_000

/** Sets the last minute the alert rules have judged. */
const judgedUpTo = (engine: Engine, minute: number) =>
  engine.db.prepare(`UPDATE pipeline_watermarks SET last_id = ? WHERE stage = 'alerts'`).run(minute)

/**
 * How long the alert rules take to judge `minute` (a minute number since the epoch), median of `runs` runs,
 * each rolled back so the database is left as it was.
 */
function judgeMinute(engine: Engine, minute: number, runs: number): number {
  const times = Array.from({ length: runs }, () => {
    engine.db.exec('BEGIN')
    try {
      judgedUpTo(engine, minute - 1)
      const started = performance.now()
      // A budget of 1 ms: the first minute is always judged, and takes longer than that.
      engine.evaluateAlerts(Date.now(), 1)
      return performance.now() - started
    } finally {
      engine.db.exec('ROLLBACK')
    }
  })
  return median(times)
}

/** Alert timings: the quick mode checks a change in one run each. */
const JUDGE_RUNS: Record<Mode, number> = { quick: 1, full: 3 }

export async function grownPipelineBench(mode: Mode): Promise<BenchResult> {
  const { pipelineEvents: events, silverEvents } = SIZES[mode]
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-grown-'))
  try {
    const dbPath = join(dir, 'vigia.db')
    const next = await nextLinesFile(silverEvents, events)
    copyDatabase(silverDb(silverEvents).path, dbPath)
    const engine = Engine.open(dbPath)
    const { first, last } = engine.db
      .prepare<[], { first: number; last: number }>(
        `SELECT min(ts) / ${MINUTE} AS first, max(ts) / ${MINUTE} AS last FROM silver_events`,
      )
      .get()!
    // The newest whole minute, with the events of the minute after it that the database holds (a live engine
    // judges it with at most a flush after it: bench/alert-minute-live.ts); and the oldest whole one.
    const runs = JUDGE_RUNS[mode]
    const live = judgeMinute(engine, last, runs)
    const afterLive = silverEventsAfter(engine.db, last * MINUTE)
    const oldest = Math.min(first + 1, last)
    // In quick mode's 50 s of events the oldest whole minute is the newest: timed once.
    const history = oldest === last ? live : judgeMinute(engine, oldest, runs)
    // As a live engine leaves it: every minute up to the newest event's judged.
    judgedUpTo(engine, last)
    engine.close()
    const { rate, limit, details } = await measureIngest(dir, dbPath, lines(next), events)
    const perEvent = (live * 1000) / (NETWORK.rate * 60)
    return {
      rows: [
        shareRow(
          `pipeline throughput, landing -> gold, into a database of ${fmt.int(silverEvents)} events`,
          rate,
          limit,
          0.3,
          'events',
          `${fmt.int(events)} events continuing the simulation of the metrics database, Engine.ingestFrames of 100 frames x 100 events; limit: the same events into one plain table, 10k-row transactions`,
        ),
      ],
      details: [
        `Pipeline stages over ${fmt.int(events)} events into a database of ${fmt.int(silverEvents)} events:`,
        ...details,
        `Alert rules at ${fmt.int(silverEvents)} events, one minute judged (median of ${runs}): the newest whole minute ${fmt.int(live)} ms (${fmt.int(afterLive)} events after it; once a minute at ${fmt.int(NETWORK.rate)} events/s: ${perEvent.toFixed(1)} µs per event), the oldest whole minute (${last - oldest} minutes before it) ${fmt.int(history)} ms`,
      ],
      peakRss: process.resourceUsage().maxRSS * 1024,
      engine: true,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
