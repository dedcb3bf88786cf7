// What every benchmark runs on: one simulated network, one seed, and the sizes of each mode.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type Mode = 'quick' | 'full'

export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url))
export const ROOT_DIR = join(BENCH_DIR, '..')
/** Datasets, cached databases and profiles; git-ignored. */
export const DATA_DIR = join(BENCH_DIR, 'data')

/**
 * An ISP the size the README promises: 255,000 devices of 119,000 clients, of which about 100,000 are seen
 * in the 10 million events of the metrics database, on 24 access servers, at 20,000 events per second of
 * simulated time (the rate of the latency target).
 */
export const NETWORK = { seed: 7, servers: 24, devices: 255_000, rate: 20_000 } as const

/**
 * The environment `npm start` gives the app (scripts/start.js): two malloc arenas instead of glibc's one per
 * allocating thread. Every process a benchmark starts gets it, so that their memory is the app's.
 */
export const APP_ENV = { MALLOC_ARENA_MAX: '2' } as const
/** And the node options it gives the app's process: V8's memory reducer off (src/main/v8-flags.ts says why). */
export const APP_NODE_OPTIONS = ['--no-memory-reducer'] as const

export interface Sizes {
  /** Size of the NDJSON and CSV datasets; the limit reads the whole file. */
  fileBytes: number
  /** The import reads a file of the first this many events of each, to stay in the time budget. */
  importEvents: number
  /** Events pushed through Engine.ingestFrames. */
  pipelineEvents: number
  /** Events sent over WebSocket in 100-event frames, and in one-event frames. */
  wsBatchEvents: number
  wsSingleEvents: number
  /** Length of the 20,000 events/s latency run, and how long its backlog may drain after it. */
  latencyS: number
  latencyDrainS: number
  /** Silver events in the database the metrics are read from. */
  silverEvents: number
  /** Timed repetitions of each query: at most this many, and no more once they took queryBudgetS. */
  queryRuns: number
  queryBudgetS: number
}

export const SIZES: Record<Mode, Sizes> = {
  quick: {
    fileBytes: 50e6,
    importEvents: 40_000,
    pipelineEvents: 60_000,
    wsBatchEvents: 30_000,
    wsSingleEvents: 6_000,
    latencyS: 4,
    latencyDrainS: 5,
    silverEvents: 1_000_000,
    queryRuns: 3,
    queryBudgetS: 2,
  },
  full: {
    fileBytes: 500e6,
    importEvents: 300_000,
    pipelineEvents: 200_000,
    wsBatchEvents: 200_000,
    wsSingleEvents: 60_000,
    latencyS: 20,
    latencyDrainS: 20,
    silverEvents: 10_000_000,
    queryRuns: 15,
    queryBudgetS: 15,
  },
}

/**
 * The simulation starts with every online device connecting (about 140,000 connects in its first 150,000
 * events). Throughput is measured after them, on an engine database that already holds them.
 */
export const WARM_EVENTS = 150_000

/** The WebSocket client: device apps connected at once, each with the few dozen frames in flight the protocol allows. */
export const CLIENT = { connections: 8, window: 32 } as const

/** Events per WebSocket frame and per Engine.ingestFrames frame, as device apps batch them. */
export const FRAME_EVENTS = 100
/** Frames per Engine.ingestFrames call: 10,000 events, the size of the limit's transactions. */
export const FRAMES_PER_CALL = 100
/** Rows per transaction of the plain-insert limit. */
export const LIMIT_TRANSACTION_ROWS = 10_000

/**
 * What a cached database depends on besides the network: the text of every migration (the JavaScript of
 * one changes what it writes without changing its SQL) and of the encoding of gold's usage parts.
 */
export function schemaFingerprint(): string {
  const db = join(ROOT_DIR, 'src', 'pipeline', 'db')
  const files = readdirSync(join(db, 'migrations'))
    .sort()
    .map((name) => join(db, 'migrations', name))
  const hash = createHash('sha256')
  for (const file of [...files, join(db, 'usage-parts.ts')]) hash.update(readFileSync(file))
  return hash.digest('hex')
}
