// A dataset file: N simulated records (or seed-format records) as NDJSON, optionally gzipped. Nothing
// in it depends on the wall clock, so the same options and seed give the same bytes on every run.
import { recordToLine, type SimRecord } from './records'
import { seedFormatBatches } from './seed-format'
import { createSimulation, type SimulationOptions } from './simulation'
import { writeLines } from './write-lines'

export interface DatasetOptions {
  path: string
  events: number
  seedFormat?: boolean
  timeZone?: string
  simulation: Omit<SimulationOptions, 'clock'>
  signal?: AbortSignal
  onProgress?: (written: number) => void
}

export interface DatasetSummary {
  path: string
  gzip: boolean
  records: number
  /** Records made bad on purpose (always 0 for the seed format). */
  bad: number
  /** Median time between two usage reports of a device (null for the seed format). */
  reportIntervalMs: number | null
  /** Simulated time of the first and last record, epoch ms. */
  firstTs: number | null
  lastTs: number | null
}

export async function writeDataset(options: DatasetOptions): Promise<DatasetSummary> {
  if (!Number.isSafeInteger(options.events) || options.events < 0) {
    throw new RangeError(`events must be a non-negative integer, got ${options.events}`)
  }
  let bad = 0
  let reportIntervalMs: number | null = null
  let firstTs: number | null = null
  let lastTs: number | null = null
  const mark = (ts: number) => {
    firstTs ??= ts
    lastTs = ts
  }

  function* simulated(): Generator<string> {
    const simulation = createSimulation(options.simulation)
    reportIntervalMs = simulation.reportIntervalMs
    for (let k = 0; k < options.events; k++) {
      mark(simulation.now)
      const record: SimRecord = simulation.next()
      if (record.bad) bad++
      yield recordToLine(record)
    }
  }

  function* seedFormat(): Generator<string> {
    let left = options.events
    for (const batch of seedFormatBatches({ ...options.simulation, timeZone: options.timeZone })) {
      for (const record of batch.records) {
        if (left-- <= 0) return
        mark(batch.ts)
        yield JSON.stringify(record)
      }
    }
  }

  const summary = await writeLines(options.path, options.seedFormat ? seedFormat() : simulated(), {
    signal: options.signal,
    onProgress: options.onProgress,
  })
  return {
    path: summary.path,
    gzip: summary.gzip,
    records: summary.lines,
    bad,
    reportIntervalMs,
    firstTs,
    lastTs,
  }
}
