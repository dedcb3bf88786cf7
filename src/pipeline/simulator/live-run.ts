// A live run: simulated traffic sent to a running Vigia in real time (every event stamped with the moment
// it leaves), paced to the target rate, for a given wall-clock duration.
import { setTimeout as sleep } from 'node:timers/promises'
import { recordToElement } from './records'
import { seedFormatBatches, SEED_BATCH_INTERVAL_MS } from './seed-format'
import { createSimulation, type SimulationOptions } from './simulation'
import { SenderStoppedError, WsSender, type SenderStats } from './ws-sender'

export interface LiveRunOptions {
  url: string
  token?: string
  durationMs: number
  /** Events per frame. */
  batch: number
  /** Replay the seed project's batches (one every 10 s) instead of the event model. */
  seedFormat?: boolean
  timeZone?: string
  simulation: Omit<SimulationOptions, 'clock' | 'start'> & { rate: number }
  signal?: AbortSignal
  /** How long to wait for replies once the run is over or interrupted (default 10 s). */
  drainTimeoutMs?: number
  onNotice?: (notice: string) => void
  /** Called about once a second while the run lasts. */
  onProgress?: (stats: SenderStats, elapsedMs: number) => void
}

export interface LiveRunSummary extends SenderStats {
  elapsedMs: number
  /** Median time between two usage reports of a device (null for the seed format). */
  reportIntervalMs: number | null
}

// After the run ends or is interrupted, how long to wait for the replies of frames already sent: a stalled
// or unreachable server must not hang the command.
const DRAIN_TIMEOUT_MS = 10_000

const PROGRESS_INTERVAL_MS = 1_000

export async function runLive(options: LiveRunOptions): Promise<LiveRunSummary> {
  const started = Date.now()
  const sender = new WsSender({
    url: options.url,
    token: options.token,
    rate: options.seedFormat ? undefined : options.simulation.rate,
    onNotice: options.onNotice,
  })
  const progress = setInterval(
    () => options.onProgress?.(sender.stats, Date.now() - started),
    PROGRESS_INTERVAL_MS,
  )
  let hardStop: NodeJS.Timeout | undefined
  const stopSoon = () => {
    hardStop ??= setTimeout(() => sender.terminate(), options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS)
  }
  const endOfRun = setTimeout(stopSoon, options.durationMs)
  options.signal?.addEventListener('abort', stopSoon, { once: true })
  let reportIntervalMs: number | null = null
  const running = () => Date.now() - started < options.durationMs && !options.signal?.aborted
  try {
    if (options.seedFormat) {
      const batches = seedFormatBatches({
        seed: options.simulation.seed,
        timeZone: options.timeZone,
        clock: Date.now,
      })
      for (let k = 0; running(); k++) {
        // The seed wrote one batch every 10 s; wait for this batch's turn (or the end of the run).
        const wait = Math.min(started + k * SEED_BATCH_INTERVAL_MS, started + options.durationMs) - Date.now()
        if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined)
        if (!running()) break
        await sender.send(() => batches.next().value?.records ?? [])
      }
    } else {
      const simulation = createSimulation({ ...options.simulation, start: Date.now(), clock: Date.now })
      reportIntervalMs = simulation.reportIntervalMs
      while (running()) await sender.send(() => simulation.take(options.batch).map(recordToElement))
    }
    await sender.flush()
  } catch (error) {
    // Stopped while waiting for replies: what got none is reported in the summary as in flight.
    if (!(error instanceof SenderStoppedError)) throw error
  } finally {
    clearInterval(progress)
    clearTimeout(endOfRun)
    clearTimeout(hardStop)
    options.signal?.removeEventListener('abort', stopSoon)
    sender.terminate()
  }
  return { ...sender.stats, elapsedMs: Date.now() - started, reportIntervalMs }
}
