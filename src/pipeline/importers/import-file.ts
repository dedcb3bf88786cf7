// Streams one file into the engine in constant memory: raw chunks go to landing as read, records parsed
// from the (decompressed) content go to bronze with their line, and each flush advances the pipeline.
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { Readable, pipeline } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { RawRecord } from '../bronze/records'
import type { Engine, FileBatch } from '../engine'
import { newestEventQuery } from '../retention'
import type { PayloadOutcome, RecordReject } from '../silver/silver-stage'
import { csvRecords } from './csv'
import { detectContentFormat, isGzip, type FileFormat } from './detect-format'
import { ImportHistory } from './import-history'
import { jsonArrayRecords } from './json-array'
import { ndjsonRecords } from './ndjson'
import { parquetRecords } from './parquet'
import { eventSpan, retentionWarning } from './retention-warning'
import { fileSha256 } from './sha256'

export interface ImportProgress {
  path: string
  bytesRead: number
  totalBytes: number
  records: number
  /** Records per second since the start. */
  rate: number
  /** Seconds left at the current byte rate; null before there is a rate. */
  etaSeconds: number | null
  /** What the next retention pass would delete of this file's events (known before any is landed). */
  warning: string | null
}

export interface ImportSummary {
  path: string
  format: FileFormat | null
  gzip: boolean
  status: 'done' | 'skipped' | 'cancelled' | 'failed'
  records: number
  accepted: number
  duplicates: number
  quarantined: number
  /** The first rejects, with their line, for the person importing. */
  rejects: RecordReject[]
  durationMs: number
  /** Why the import failed or was skipped. */
  message: string | null
  /** What the next retention pass would delete of this file's events, told before the import ran. */
  warning: string | null
}

export interface ImportOptions {
  /** Import even when the same content was imported before. */
  force?: boolean
  /** The name people know the file by (an upload's original name); defaults to the path. */
  name?: string
  signal?: AbortSignal
  onProgress?: (progress: ImportProgress) => void
  /** Records per flush (one landing + bronze transaction, then silver and gold). */
  batchSize?: number
  /** Folder for a parser's scratch files (the content of a Parquet file); the system's by default. */
  tempDir?: string
}

export interface ParserContext {
  /** Where a parser may create scratch files; it removes them before it returns. */
  tempDir: string
}

export type RecordParser = (
  content: AsyncIterable<Uint8Array>,
  context: ParserContext,
) => AsyncIterable<RawRecord>

const PARSERS: Record<FileFormat, RecordParser> = {
  ndjson: ndjsonRecords,
  csv: csvRecords,
  'json-array': jsonArrayRecords,
  parquet: parquetRecords,
}

const CHUNK_BYTES = 1 << 20
const MAX_PENDING_CHUNKS = 8
const MAX_REJECTS_SHOWN = 100
const PROGRESS_EVERY_MS = 200

export async function importFile(
  engine: Engine,
  path: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = Date.now()
  const totalBytes = (await stat(path)).size
  const summary: ImportSummary = {
    path,
    format: null,
    gzip: false,
    status: 'done',
    records: 0,
    accepted: 0,
    duplicates: 0,
    quarantined: 0,
    rejects: [],
    durationMs: 0,
    message: null,
    warning: null,
  }
  const history = new ImportHistory(engine.db)
  const sha256 = await fileSha256(path)
  const earlier = history.findDone(sha256)
  if (earlier && !options.force) {
    return finish({
      ...summary,
      status: 'skipped',
      message: `already imported on ${new Date(earlier.finished_at).toISOString()} as ${earlier.path}`,
    })
  }

  const head = await readHead(path)
  summary.gzip = isGzip(head)
  let parser: RecordParser = landOnly
  try {
    summary.format = detectContentFormat(summary.gzip ? await gunzipHead(path) : head)
    parser = PARSERS[summary.format]
  } catch (error) {
    summary.message = `not a readable gzip file (${(error as Error).message}); the bytes are kept in landing`
  }
  const historyId = history.start({
    path: options.name ?? path,
    sha256,
    size: totalBytes,
    format: summary.format ?? 'unknown',
    startedAt: started,
  })

  const receivedAt = started
  const batchSize = options.batchSize ?? 20_000
  // Every landed chunk's id is kept (a few hundred for a large file): a parser may still emit a record of
  // an older chunk, and a record must never name a chunk that cannot be found.
  const landedIds = new Map<number, number>()
  let pending: FileBatch = { chunks: [], records: [], receivedAt }
  let chunkIndex = -1
  let bytesRead = 0
  let lastProgress = 0

  const flush = () => {
    if (pending.chunks.length === 0 && pending.records.length === 0) return
    const { ids, outcomes } = engine.landFileBatch(pending, landedIds)
    for (const [index, id] of ids) landedIds.set(index, id)
    for (const outcome of outcomes.values()) add(summary, outcome)
    pending = { chunks: [], records: [], receivedAt }
  }
  const report = (force = false) => {
    const now = Date.now()
    if (!options.onProgress || (!force && now - lastProgress < PROGRESS_EVERY_MS)) return
    lastProgress = now
    const seconds = (now - started) / 1000
    const byteRate = seconds > 0 ? bytesRead / seconds : 0
    options.onProgress({
      path,
      bytesRead,
      totalBytes,
      records: summary.records,
      rate: seconds > 0 ? summary.records / seconds : 0,
      etaSeconds: byteRate > 0 ? (totalBytes - bytesRead) / byteRate : null,
      warning: summary.warning,
    })
  }

  // Reading the file once more should cost about a tenth of the import (parsing ~128 MB/s against ~59k
  // events/s through the write path); not measured yet.
  if (parser !== landOnly) {
    try {
      const context = { ...engine.settings.normalizeContext(), receivedAt }
      const records = parser(content(createReadStream(path, { signal: options.signal })), {
        tempDir: options.tempDir ?? tmpdir(),
      })
      const span = await eventSpan(records, context, options.signal)
      const days = engine.settings.get().retentionDays
      summary.warning = retentionWarning(span, days, newestEventQuery(engine.db)(), started)
    } catch {
      // Unreadable content or a cancel: the import itself reads the file next and reports it.
    }
    report(true)
  }

  // Every raw chunk is queued for landing before the parser sees a byte of it.
  async function* rawChunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(path, {
      highWaterMark: CHUNK_BYTES,
      signal: options.signal,
    })) {
      const bytes = chunk as Buffer
      // Bounded memory whatever the records-per-byte ratio (or none at all, for unreadable content).
      if (pending.chunks.length >= MAX_PENDING_CHUNKS) flush()
      chunkIndex++
      bytesRead += bytes.length
      pending.chunks.push({
        index: chunkIndex,
        payload: {
          source: `file:${options.name ?? path}`,
          kind: 'file-chunk',
          seq: String(chunkIndex),
          receivedAt,
          bytes,
          error: null,
        },
      })
      yield bytes
    }
  }

  try {
    for await (const record of parser(content(rawChunks()), { tempDir: options.tempDir ?? tmpdir() })) {
      pending.records.push({ ...record, chunk: chunkIndex })
      summary.records++
      if (pending.records.length >= batchSize) {
        flush()
        report()
      }
      if (options.signal?.aborted) break
    }
    flush()
    if (options.signal?.aborted) summary.status = 'cancelled'
    else if (parser === landOnly) summary.status = 'failed'
  } catch (error) {
    if (options.signal?.aborted) {
      summary.status = 'cancelled'
    } else {
      summary.status = 'failed'
      const zlib = String((error as NodeJS.ErrnoException).code ?? '').startsWith('Z_')
      summary.message = `${zlib ? 'not a readable gzip file: ' : ''}${(error as Error).message}; the bytes read are kept in landing`
    }
    // What was read before the failure is kept: its bytes land, its parsed records count.
    flush()
  }
  report(true)
  history.finish(historyId, summary)
  return finish(summary)

  function content(raw: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    return summary.gzip ? gunzip(raw) : raw
  }

  function finish(s: ImportSummary): ImportSummary {
    s.durationMs = Date.now() - started
    return s
  }
}

/** For content we cannot parse: read it all so every byte still lands. */
async function* landOnly(content: AsyncIterable<Uint8Array>): AsyncGenerator<RawRecord> {
  for await (const _chunk of content) yield* []
}

function add(summary: ImportSummary, outcome: PayloadOutcome): void {
  summary.accepted += outcome.accepted
  summary.duplicates += outcome.duplicates
  summary.quarantined += outcome.rejected
  for (const reject of outcome.rejects) {
    if (summary.rejects.length >= MAX_REJECTS_SHOWN) break
    summary.rejects.push(reject)
  }
}

async function readHead(path: string, size = 64 * 1024): Promise<Uint8Array> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(size)
    const { bytesRead } = await handle.read(buffer, 0, size, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

async function gunzipHead(path: string): Promise<Uint8Array> {
  for await (const chunk of gunzip(createReadStream(path, { end: 64 * 1024 }))) return chunk
  return new Uint8Array(0)
}

/**
 * Decompresses a stream. pipeline() ties both ends together: when the reader stops early (cancel, a parse
 * error) the source is destroyed too, so no file handle is left open; a gzip error reaches the reader.
 */
function gunzip(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const inflate = createGunzip()
  pipeline(Readable.from(input), inflate, () => {})
  return inflate
}
