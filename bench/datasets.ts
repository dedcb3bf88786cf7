// The datasets: simulated events with a fixed seed, as NDJSON (written by the simulator's own dataset
// writer, as `vigia simulate --to-file` does) and as CSV, cached in bench/data/ across runs.
import { createHash } from 'node:crypto'
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import { once } from 'node:events'
import { join, relative } from 'node:path'
import { copyDatabase, databaseFiles, renameDatabase } from '../src/pipeline/db/gold-file'
import { Engine, type IncomingFrame } from '../src/pipeline/engine'
import { createSimulation, recordToLine, writeDataset } from '../src/pipeline/simulator'
import {
  DATA_DIR,
  FRAME_EVENTS,
  FRAMES_PER_CALL,
  NETWORK,
  ROOT_DIR,
  SIZES,
  WARM_EVENTS,
  schemaFingerprint,
  type Mode,
} from './config'
import { fmt, type BenchResult } from './report'
import { silverDb } from './silver-db'

/** Average NDJSON line of this network, measured: sizes the file to about the bytes asked for. */
const NDJSON_LINE_BYTES = 186

export const CSV_COLUMNS = [
  'id',
  'ts',
  'type',
  'server',
  'device',
  'client',
  'peer',
  'device_type',
  'plan_mbps',
  'ip',
  'bytes_down',
  'bytes_up',
  'bytes',
  'duration_ms',
] as const

export type EventRow = Partial<Record<(typeof CSV_COLUMNS)[number], string | number>>

function dataPath(name: string): string {
  mkdirSync(DATA_DIR, { recursive: true })
  return join(DATA_DIR, name)
}

const eventsPath = (bytes: number, extension: string) =>
  dataPath(`events-s${NETWORK.seed}-${NETWORK.devices / 1000}kd-${Math.round(bytes / 1e6)}mb.${extension}`)
const ndjsonPath = (bytes: number) => eventsPath(bytes, 'ndjson')
const csvPath = (bytes: number) => eventsPath(bytes, 'csv')

/** About `bytes` of NDJSON events; written once, then reused. */
export async function ndjsonFile(bytes: number): Promise<string> {
  const path = ndjsonPath(bytes)
  if (existsSync(path)) return path
  const partial = `${path}.partial`
  await writeDataset({
    path: partial,
    events: Math.round(bytes / NDJSON_LINE_BYTES),
    simulation: { ...NETWORK },
  })
  renameSync(partial, path)
  return path
}

/** The same simulation as CSV with a header row, up to `bytes`; written once, then reused. */
export async function csvFile(bytes: number): Promise<string> {
  const path = csvPath(bytes)
  if (existsSync(path)) return path
  const partial = `${path}.partial`
  const out = createWriteStream(partial)
  const sim = createSimulation(NETWORK)
  let written = 0
  let chunk = CSV_COLUMNS.join(',') + '\n'
  while (written + chunk.length < bytes) {
    const event = sim.next().value as EventRow
    chunk += CSV_COLUMNS.map((c) => csvCell(event[c])).join(',') + '\n'
    if (chunk.length >= 1 << 16) {
      written += chunk.length
      if (!out.write(chunk)) await once(out, 'drain')
      chunk = ''
    }
  }
  out.end(chunk)
  await once(out, 'finish')
  renameSync(partial, path)
  return path
}

const headPath = (path: string, lineCount: number) =>
  path.replace(/(\.\w+)$/, `.first-${lineCount / 1000}k$1`)

/** `source`'s lines as the file at `path`, written once (through a partial file), then reused. */
async function linesFile(
  path: string,
  source: () => AsyncIterable<string> | Iterable<string>,
): Promise<string> {
  if (existsSync(path)) return path
  const partial = `${path}.partial`
  const out = createWriteStream(partial)
  for await (const line of source()) if (!out.write(line + '\n')) await once(out, 'drain')
  out.end()
  await once(out, 'finish')
  renameSync(partial, path)
  return path
}

/** The first `events` records of a dataset (and the CSV header) as a file of their own; written once. */
export const headFile = (path: string, events: number): Promise<string> =>
  linesFile(headPath(path, events), () => lines(path, events + (path.endsWith('.csv') ? 1 : 0)))

const nextLinesPath = (skip: number, count: number) =>
  dataPath(
    `events-s${NETWORK.seed}-${NETWORK.devices / 1000}kd-after-${skip / 1000}k-${count / 1000}k.ndjson`,
  )

/** The simulation's records after its first `skip`, `count` of them, as NDJSON lines. */
function* simulatedLines(skip: number, count: number): Generator<string> {
  const sim = createSimulation(NETWORK)
  for (let i = 0; i < skip; i++) sim.next()
  for (let i = 0; i < count; i++) yield recordToLine(sim.next())
}

/**
 * The `count` records the simulation makes after its first `skip` (what the grown database of `skip` events
 * would receive next), as NDJSON; written once. Made here rather than where they are sent: skipping a
 * million records leaves the generating process about 130 MB larger (garbage V8 does not hand back), which
 * the grown pipeline's peak memory would count as the engine's.
 */
export const nextLinesFile = (skip: number, count: number): Promise<string> =>
  linesFile(nextLinesPath(skip, count), () => simulatedLines(skip, count))

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return ''
  const text = String(value)
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export const fileSize = (path: string): number => statSync(path).size

/** The file's lines, read in 1 MiB chunks and split at '\n': `limit` of them after the first `skip`. */
export async function* lines(path: string, limit = Infinity, skip = 0): AsyncGenerator<string> {
  let carry = ''
  let count = -skip
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, encoding: 'utf8' })) {
    const parts = (carry + (chunk as string)).split('\n')
    carry = parts.pop()!
    for (const line of parts) {
      if (count >= limit) return
      if (count++ >= 0) yield line
    }
  }
  if (carry !== '' && count >= 0 && count < limit) yield carry
}

/**
 * A copy, at `path`, of an engine database that has ingested the first WARM_EVENTS events of the NDJSON
 * dataset through Engine.ingestFrames; the original is built once and cached.
 */
export async function warmDb(path: string, mode: Mode): Promise<{ builtMs: number | null }> {
  const key = createHash('sha256')
    .update(JSON.stringify({ schema: schemaFingerprint(), NETWORK, WARM_EVENTS }))
    .digest('hex')
  const cached = dataPath(`warm-${WARM_EVENTS}-${key.slice(0, 10)}.db`)
  let builtMs: number | null = null
  if (!existsSync(cached)) {
    const started = performance.now()
    const partial = `${cached}.partial`
    for (const file of databaseFiles(partial))
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
    const engine = Engine.open(partial)
    const source = lines(await ndjsonFile(SIZES[mode].fileBytes), WARM_EVENTS)
    let frames: IncomingFrame[] = []
    for await (const bytes of framesOf(source, FRAME_EVENTS)) {
      frames.push({ source: 'bench', seq: null, receivedAt: Date.now(), bytes })
      if (frames.length === FRAMES_PER_CALL) {
        engine.ingestFrames(frames)
        frames = []
      }
    }
    if (frames.length > 0) engine.ingestFrames(frames)
    engine.close()
    renameDatabase(partial, cached)
    builtMs = performance.now() - started
  }
  copyDatabase(cached, path)
  return { builtMs }
}

/** Groups lines into NDJSON frames of `size` events. */
export async function* framesOf(source: AsyncIterable<string>, size: number): AsyncGenerator<Buffer> {
  let batch: string[] = []
  for await (const line of source) {
    batch.push(line)
    if (batch.length === size) {
      yield Buffer.from(batch.join('\n'))
      batch = []
    }
  }
  if (batch.length > 0) yield Buffer.from(batch.join('\n'))
}

/** Builds what the benchmarks read, in a process of its own, and says what it built or reused. */
export async function prepareDatasets(mode: Mode): Promise<BenchResult> {
  const { fileBytes, importEvents, silverEvents, pipelineEvents } = SIZES[mode]
  const line = (what: string, path: string, ms: number | null) =>
    `${what}: ${relative(ROOT_DIR, path)}, ${fmt.mb(fileSize(path))}, ${ms === null ? 'cached' : `built in ${(ms / 1000).toFixed(0)} s`}`
  const file = async (what: string, path: string, make: () => Promise<string>) => {
    const started = existsSync(path) ? null : performance.now()
    await make()
    return line(what, path, started === null ? null : performance.now() - started)
  }
  const silver = silverDb(silverEvents)
  const warmCopy = join(DATA_DIR, 'warm-copy.db')
  const warm = await warmDb(warmCopy, mode)
  rmSync(warmCopy)
  return {
    rows: [],
    details: [
      `Datasets: seed ${NETWORK.seed}, ${fmt.int(NETWORK.devices)} devices, ${NETWORK.servers} servers, ${fmt.int(NETWORK.rate)} events/s of simulated time`,
      await file('NDJSON', ndjsonPath(fileBytes), () => ndjsonFile(fileBytes)),
      await file('CSV', csvPath(fileBytes), () => csvFile(fileBytes)),
      await file('NDJSON, imported part', headPath(ndjsonPath(fileBytes), importEvents), async () =>
        headFile(await ndjsonFile(fileBytes), importEvents),
      ),
      await file('CSV, imported part', headPath(csvPath(fileBytes), importEvents), async () =>
        headFile(await csvFile(fileBytes), importEvents),
      ),
      line(`silver database of ${fmt.int(silverEvents)} events`, silver.path, silver.builtMs),
      await file(
        `the ${fmt.int(pipelineEvents)} events after it`,
        nextLinesPath(silverEvents, pipelineEvents),
        () => nextLinesFile(silverEvents, pipelineEvents),
      ),
      `engine database that ingested the first ${fmt.int(WARM_EVENTS)} events: ${warm.builtMs === null ? 'cached' : `built in ${(warm.builtMs / 1000).toFixed(0)} s`}`,
    ],
    peakRss: process.resourceUsage().maxRSS * 1024,
    engine: false,
  }
}
