// Pipeline throughput as the app runs the engine (EngineHost): landing, bronze and silver on the engine's
// thread, gold on a thread of its own (src/main/gold-worker.ts), a checkpointer beside them. The same events
// as the pipeline benchmark, in calls of 100 frames of 100 events, one at a time; the rate counts until gold
// has folded the last of them. The limit is the plain table again, right after, on the same events. A
// process of its own, so that its peak memory is that of the engine as the app runs it, alone.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EngineHost } from '../src/main/engine-host'
import type { IncomingFrame } from '../src/pipeline/engine'
import {
  FRAME_EVENTS,
  FRAMES_PER_CALL,
  LIMIT_TRANSACTION_ROWS,
  SIZES,
  WARM_EVENTS,
  type Mode,
} from './config'
import { lines as linesOf, ndjsonFile, warmDb } from './datasets'
import { plainTable, rowOf } from './plain-table'
import { fmt, shareRow, type BenchResult } from './report'

export interface ThreadsFigures {
  /** Events per second until gold folded the last one, and until the last call was answered. */
  rate: number
  ackRate: number
  limit: number
  detail: string
}

export async function measureThreads(
  dir: string,
  mode: Mode,
  lines: readonly string[],
): Promise<ThreadsFigures> {
  const dbPath = join(dir, 'threads.db')
  await warmDb(dbPath, mode)
  const calls: IncomingFrame[][] = [[]]
  for (let i = 0; i < lines.length; i += FRAME_EVENTS) {
    if (calls.at(-1)!.length === FRAMES_PER_CALL) calls.push([])
    const bytes = Buffer.from(lines.slice(i, i + FRAME_EVENTS).join('\n'))
    calls.at(-1)!.push({ source: 'bench', seq: null, receivedAt: Date.now(), bytes })
  }
  const host = await EngineHost.start(dbPath)
  let accepted = 0
  const started = performance.now()
  for (const frames of calls) for (const r of await host.call('ingestFrames', frames)) accepted += r.accepted
  const ackedMs = performance.now() - started
  await host.call('settleGold')
  const ms = performance.now() - started
  await host.stop()
  if (accepted !== lines.length) throw new Error(`the engine accepted ${accepted} of ${lines.length} events`)

  const insert = plainTable(join(dir, 'plain-threads.db'))
  const rows = lines.map(rowOf)
  const limitStarted = performance.now()
  for (let i = 0; i < rows.length; i += LIMIT_TRANSACTION_ROWS)
    insert(rows.slice(i, i + LIMIT_TRANSACTION_ROWS))
  const limitMs = performance.now() - limitStarted
  const events = lines.length
  return {
    rate: (events / ms) * 1000,
    ackRate: (events / ackedMs) * 1000,
    limit: (events / limitMs) * 1000,
    detail: `${fmt.int(events)} events after the first ${fmt.int(WARM_EVENTS)}, EngineHost (the engine's worker and gold's) in calls of 100 frames x 100 events, one at a time: the last call answered after ${fmt.ms(ackedMs)} (${fmt.rate((events / ackedMs) * 1000, 'events')}), gold caught up ${fmt.ms(ms - ackedMs)} later; limit: the same events into one plain table, 10k-row transactions, right after`,
  }
}

export async function pipelineThreadsBench(mode: Mode): Promise<BenchResult> {
  const events = SIZES[mode].pipelineEvents
  const file = await ndjsonFile(SIZES[mode].fileBytes)
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-pipeline-threads-'))
  try {
    const eventLines: string[] = []
    for await (const line of linesOf(file, events, WARM_EVENTS)) eventLines.push(line)
    const threads = await measureThreads(dir, mode, eventLines)
    return {
      rows: [
        shareRow(
          'pipeline throughput, landing -> gold, as the app runs it (gold on a thread of its own)',
          threads.rate,
          threads.limit,
          0.3,
          'events',
          threads.detail,
        ),
      ],
      details: [],
      peakRss: process.resourceUsage().maxRSS * 1024,
      engine: true,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
