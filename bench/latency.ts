// Event -> metrics latency at 20,000 events/s, the way the app runs: the engine in its worker thread
// (EngineHost), the reader in its worker thread (ReaderHost) and the IngestServer on the main thread. A
// client process sends live-stamped events at the rate; the main thread polls the overview as an open
// Overview page does, the way VigiaService asks for it (the settings it keeps, the overview from the
// reader). Each poll notes gold's watermark just before it asks: the overview's snapshot is at
// least that new, so every frame up to it is in the overview (a frame gold takes in while the overview is
// asked for counts at the next poll). Gold folds behind the acknowledgement (DEFAULT_GOLD_LAG_MS), so it is
// the watermark, never the ack, that says a frame is visible. A frame's latency is from the moment its events were made to the
// end of the first poll whose overview includes them: what a person watching the page waits. Frames are
// envelopes numbered by the client, so each is found in landing whichever connection carried it. As in the
// other benchmarks, the simulation's opening (every online device connecting) goes in first, unmeasured.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { EngineHost } from '../src/main/engine-host'
import { DEFAULT_INGEST, IngestServer } from '../src/main/ingest-server'
import { ReaderHost } from '../src/main/reader-host'
import { openDb } from '../src/pipeline/db/open'
import { CLIENT, FRAME_EVENTS, SIZES, WARM_EVENTS, type Mode } from './config'
import { ceilingRow, fmt, percentile, type BenchResult } from './report'
import { runClient } from './ws'

const RATE = 20_000
/** A rate below the engine's capacity on this network, to show the latency where it keeps up (full mode). */
const BELOW_RATE = 8_000
/** As often as VigiaService tells the UI that data changed (CHANGED_EVERY_MS), which then asks again. */
const POLL_MS = 250

interface Poll {
  /** Gold's watermark just before the poll asked: every silver event up to it is in the overview. */
  goldId: number
  doneAt: number
  queryMs: number
}

const wallClock = (): number => performance.timeOrigin + performance.now()

interface Latency {
  p50: number
  p99: number
  events: number
  frames: number
  /** Events acknowledged per second. */
  achieved: number
  unseen: number
  queries: number[]
}

export async function latencyBench(mode: Mode): Promise<BenchResult> {
  const { latencyS, latencyDrainS } = SIZES[mode]
  const at = await measure(RATE, latencyS, latencyDrainS)
  const below = mode === 'full' ? await measure(BELOW_RATE, latencyS, latencyDrainS) : null
  const run = (l: Latency) =>
    `${fmt.int(l.events)} live events made in ${latencyS} s, ${fmt.rate(l.achieved, 'events')} acknowledged, p50 ${fmt.ms(l.p50)}`
  return {
    rows: [
      ceilingRow(
        `event -> metrics latency at ${fmt.int(RATE)} events/s (p99)`,
        at.p99,
        1000,
        fmt.ms,
        `${run(at)}; as 100-event envelopes over ${CLIENT.connections} connections x ${CLIENT.window} in flight, after the simulation's first ${fmt.int(WARM_EVENTS)} events (its opening connects, sent first as fast as acknowledged); EngineHost worker + ReaderHost worker + IngestServer, the overview polled every ${POLL_MS} ms through the reader worker as VigiaService asks for it (overview round trip p50 ${fmt.ms(percentile(at.queries, 0.5))}, p99 ${fmt.ms(percentile(at.queries, 0.99))})${at.unseen > 0 ? `; ${fmt.int(at.unseen)} of ${fmt.int(at.frames)} frames still not visible ${latencyDrainS} s after the end, counted at their age then (a lower bound)` : ''}`,
      ),
    ],
    details: below
      ? [
          `Event -> metrics latency below the engine's capacity, at ${fmt.int(BELOW_RATE)} events/s: p99 ${fmt.ms(below.p99)} (${run(below)})${below.unseen > 0 ? `; ${fmt.int(below.unseen)} frames not visible at the end` : ''}`,
        ]
      : [],
    peakRss: process.resourceUsage().maxRSS * 1024,
    engine: true,
  }
}

async function measure(rate: number, latencyS: number, latencyDrainS: number): Promise<Latency> {
  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-latency-'))
  const dbPath = join(dir, 'vigia.db')
  const engine = await EngineHost.start(dbPath)
  const reader = await ReaderHost.start(dbPath).catch(async (error: unknown) => {
    await engine.stop()
    throw error
  })
  try {
    const server = await IngestServer.start(
      { ingestFrames: (frames) => engine.call('ingestFrames', frames) },
      { ...DEFAULT_INGEST, port: 0 },
    )
    // The measuring instrument, not part of the app: one index lookup per poll on the main thread.
    const probe = openDb(dbPath, { readonly: true })
    const goldId = probe
      .prepare<[], number>(`SELECT last_id FROM pipeline_gold_watermarks WHERE stage = 'gold'`)
      .pluck()
    const polls: Poll[] = []
    // VigiaService keeps the settings: a poll never waits for the engine, only for the reader.
    const settings = await engine.call('getSettings')
    const poll = async () => {
      const started = performance.now()
      const seen = goldId.get() ?? 0
      // As the UI asks it live: the current whole second, usage a minute behind.
      const at = Math.floor(Date.now() / 1000) * 1000
      await reader.call('overview', at, settings, true)
      polls.push({ goldId: seen, doneAt: wallClock(), queryMs: performance.now() - started })
    }
    let sending = true
    const polling = (async () => {
      while (sending) {
        const started = performance.now()
        await poll()
        await sleep(Math.max(1, POLL_MS - (performance.now() - started)))
      }
      await poll()
    })()

    const client = await runClient({
      url: server.url,
      ...CLIENT,
      frameEvents: FRAME_EVENTS,
      source: { rate, durationS: latencyS, warmEvents: WARM_EVENTS, drainS: latencyDrainS },
    })
    sending = false
    await polling
    await server.close()
    // Each frame (its envelope seq) is in the overview once gold holds its last silver event.
    const lastEvent = new Map(
      probe
        .prepare<[], { seq: string; id: number }>(
          `SELECT l.seq AS seq, max(s.id) AS id FROM silver_events s
           JOIN landing_payloads l ON l.id = s.landing_id
           WHERE l.seq NOT LIKE 'w%' GROUP BY l.id`,
        )
        .all()
        .map((r) => [Number(r.seq), r.id]),
    )
    probe.close()

    // A frame not visible when the run ended counts with its age then: a lower bound of its latency.
    const end = polls.at(-1)!.doneAt
    let unseen = 0
    const latencies = client.madeAt.map((madeAt, i) => {
      const id = lastEvent.get(i + 1) ?? Infinity
      const seen = polls.find((q) => q.goldId >= id)
      if (!seen) unseen++
      return (seen?.doneAt ?? end) - madeAt
    })
    return {
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      events: client.events,
      frames: client.frames,
      achieved: (client.accepted / client.elapsedMs) * 1000,
      unseen,
      queries: polls.map((q) => q.queryMs),
    }
  } finally {
    await reader.stop()
    await engine.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
