// Parquet keeps its index at the end of the file, so rows cannot be read as the bytes stream in. The
// content (already gunzipped if it was compressed) is written to a scratch file while landing receives the
// raw chunks; hyparquet then reads that file through a file handle one row group (or, with an offset
// index, one row range) at a time, never whole.
import { randomUUID } from 'node:crypto'
import { open, rm, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import {
  parquetMetadataAsync,
  parquetScan,
  parquetSchema,
  type AsyncBuffer,
  type DecodedArray,
  type ParquetScan,
  type RowGroup,
} from 'hyparquet'
import type { RawRecord } from '../bronze/records'
import type { ParserContext } from './import-file'

/** Rows decoded at a time when the row group has an offset index, so a range reads only its own pages. */
const RANGE_ROWS = 10_000

export async function* parquetRecords(
  input: AsyncIterable<Uint8Array>,
  context: ParserContext,
): AsyncGenerator<RawRecord> {
  const path = join(context.tempDir, `vigia-import-${randomUUID()}.parquet`)
  const handle = await open(path, 'wx+')
  try {
    let size = 0
    for await (const chunk of input) size += await writeAt(handle, chunk, size)
    yield* readRows(fileBuffer(handle, size))
  } finally {
    await handle.close()
    await rm(path, { force: true })
  }
}

async function* readRows(file: AsyncBuffer): AsyncGenerator<RawRecord> {
  let scan: ParquetScan
  try {
    scan = await parquetScan({ file, metadata: await parquetMetadataAsync(file) })
  } catch (error) {
    throw new Error(`not a readable Parquet file: ${(error as Error).message}`, { cause: error })
  }
  const columns = parquetSchema(scan.metadata).children.map((child) => child.element.name)
  let groupStart = 0
  for (const group of scan.metadata.row_groups) {
    const groupEnd = groupStart + Number(group.num_rows)
    // Without an offset index every range would decode the whole column chunks again: read the group at once.
    const step = hasOffsetIndex(group) ? RANGE_ROWS : groupEnd - groupStart
    for (let start = groupStart; start < groupEnd; start += step) {
      const end = Math.min(start + step, groupEnd)
      let values: DecodedArray[]
      try {
        values = await Promise.all(
          columns.map((column) => scan.readColumn({ column, rowStart: start, rowEnd: end })),
        )
      } catch (error) {
        throw new Error(`Parquet rows ${start + 1} to ${end} cannot be read: ${(error as Error).message}`, {
          cause: error,
        })
      }
      // Columns are decoded once per range; rows are put together one at a time as they are consumed.
      for (let i = 0; i < end - start; i++) {
        const row: Record<string, unknown> = {}
        for (let c = 0; c < columns.length; c++) row[columns[c] as string] = values[c]?.[i]
        yield { line: start + i + 1, format: 'parquet', raw: JSON.stringify(toRecord(row)) }
      }
    }
    groupStart = groupEnd
  }
}

const hasOffsetIndex = (group: RowGroup): boolean =>
  group.columns.every((column) => column.offset_index_offset !== undefined && !!column.offset_index_length)

/**
 * A row as silver reads it: a null cell is an absent field (as an empty CSV cell), and values JSON cannot
 * hold are converted (see docs/protocol.md, Files).
 */
export function toRecord(row: Record<string, unknown>): Record<string, unknown> {
  const record: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue
    record[field] =
      field === 'Hora_Conexao' && value instanceof Date ? naiveWallClock(value) : toJsonValue(value)
  }
  return record
}

function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString()
  }
  if (value instanceof Date) return value.getTime()
  if (value instanceof Uint8Array) {
    return Buffer.from(value.buffer, value.byteOffset, value.length).toString('base64')
  }
  if (Array.isArray(value)) return value.map(toJsonValue)
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]))
  }
  return value
}

/**
 * The seed wrote Hora_Conexao as a local time without a zone. A Parquet timestamp holding it carries that
 * wall clock in its UTC fields (hyparquet ignores isAdjustedToUTC), so those are the digits silver expects.
 */
function naiveWallClock(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0')
  const text =
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  const ms = date.getUTCMilliseconds()
  return ms === 0 ? text : `${text}.${pad(ms, 3)}`
}

async function writeAt(handle: FileHandle, bytes: Uint8Array, position: number): Promise<number> {
  let written = 0
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written)
    written += bytesWritten
  }
  return written
}

function fileBuffer(handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const buffer = new ArrayBuffer(Math.max(0, end - start))
      const view = new Uint8Array(buffer)
      let read = 0
      while (read < view.length) {
        const { bytesRead } = await handle.read(view, read, view.length - read, start + read)
        if (bytesRead === 0) throw new Error(`Parquet file ends at byte ${start + read}, before byte ${end}`)
        read += bytesRead
      }
      return buffer
    },
  }
}
