// Writes a dataset as NDJSON, gzipped when the file name ends in .gz. Lines are joined into chunks and
// streamed with backpressure, so a dataset of any size needs only a chunk of memory.
import { createWriteStream } from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'

export interface WriteLinesOptions {
  /** Called after each chunk with the number of lines written so far. */
  onProgress?: (lines: number) => void
  signal?: AbortSignal
}

export interface WriteLinesSummary {
  path: string
  lines: number
  gzip: boolean
}

const CHUNK_CHARS = 1 << 16

export const isGzipPath = (path: string): boolean => path.toLowerCase().endsWith('.gz')

export async function writeLines(
  path: string,
  lines: Iterable<string>,
  options: WriteLinesOptions = {},
): Promise<WriteLinesSummary> {
  let count = 0
  function* chunks(): Generator<string> {
    let chunk = ''
    for (const line of lines) {
      chunk += line + '\n'
      count++
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk
        chunk = ''
        options.onProgress?.(count)
      }
    }
    if (chunk !== '') yield chunk
    options.onProgress?.(count)
  }
  const gzip = isGzipPath(path)
  const source = Readable.from(chunks(), { objectMode: false })
  const sink = createWriteStream(path)
  // Node's gzip header has no file name and a zero mtime, so equal input gives byte-identical files.
  if (gzip) await pipeline(source, createGzip(), sink, { signal: options.signal })
  else await pipeline(source, sink, { signal: options.signal })
  return { path, lines: count, gzip }
}
