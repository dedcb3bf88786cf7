// A client's usage per second, kept per minute: one row per (minute, client, server) whose `parts` blob holds
// the bytes of each of the minute's 60 seconds, each an unsigned LEB128 varint (1 byte for a second without
// bytes, 3 or 4 for a typical one: a dense float64 array took 480 bytes a row, and every upsert rewrites its
// row), and whose `bytes` holds their sum, the minute's total (read alone for whole minutes). A usage sample covers the seconds before its report, tens to hundreds of them (a RADIUS interim
// every 5 minutes covers 300): as rows per second it wrote one row per second covered, as parts one or a few
// rows. Two SQL functions, registered on every connection, read and merge parts inside statements:
//   usage_parts_sum(parts, minute, from, to)  the bytes of the seconds `from < sec <= to` in that minute;
//   usage_parts_add(a, b)                     the parts of both, second by second.
import type { Database } from 'better-sqlite3'
import { VarintReader, writeVarint } from './varint'

export const SECONDS_PER_MINUTE = 60

/** A minute's parts: index i is second (minute - 1) * 60 + i + 1 (a minute bucket holds (m - 1, m] minutes). */
export type Parts = Float64Array

export const newParts = (): Parts => new Float64Array(SECONDS_PER_MINUTE)

/** The minute bucket of a second bucket, and the second's index in its parts. */
export const minuteOfSecond = (sec: number) => Math.ceil(sec / SECONDS_PER_MINUTE)
export const indexInMinute = (sec: number) => sec - (minuteOfSecond(sec) - 1) * SECONDS_PER_MINUTE - 1

/** A minute's bytes: the sum of its seconds'. */
export function totalOfParts(parts: Parts): number {
  let sum = 0
  for (let i = 0; i < SECONDS_PER_MINUTE; i++) sum += parts[i]!
  return sum
}

// A varint of a whole number below 2^53 takes at most 8 bytes.
const scratch = Buffer.alloc(SECONDS_PER_MINUTE * 8)

// The codec below runs for every row of every parts upsert and read (tens of thousands a second), so it
// reads and writes varints in plain loops: with a callback per second and a merge through decoded arrays, a
// merge of two rows took 4 µs.

/** A reader of an encoded minute's 60 seconds. */
const readerOf = (blob: Uint8Array) => new VarintReader(blob, 'usage parts')

/** Checks that a blob held exactly 60 seconds, once they are read. */
function checkEnd(reader: VarintReader, blob: Uint8Array): void {
  if (!reader.done) throw new Error(`usage parts of ${blob.length} bytes hold more than 60 seconds`)
}

/** The first `length` bytes of the scratch buffer, copied out. */
function copyScratch(length: number): Buffer {
  const out = Buffer.allocUnsafe(length)
  scratch.copy(out, 0, 0, length)
  return out
}

function checkedBytes(v: number): number {
  if (!(v >= 0 && Number.isSafeInteger(v))) throw new RangeError(`usage parts hold whole bytes, got ${v}`)
  return v
}

export function encodeParts(parts: Parts): Buffer {
  let at = 0
  for (let i = 0; i < SECONDS_PER_MINUTE; i++) at = writeVarint(scratch, at, checkedBytes(parts[i]!))
  return copyScratch(at)
}

export function decodeParts(blob: Uint8Array): Parts {
  const parts = newParts()
  const reader = readerOf(blob)
  for (let i = 0; i < SECONDS_PER_MINUTE; i++) parts[i] = reader.next()
  checkEnd(reader, blob)
  return parts
}

/** The bytes of the seconds `from < sec <= to` of `minute`'s parts. */
export function sumParts(blob: Uint8Array, minute: number, from: number, to: number): number {
  const first = (minute - 1) * SECONDS_PER_MINUTE + 1
  const lo = Math.max(0, from + 1 - first)
  const hi = Math.min(SECONDS_PER_MINUTE - 1, to - first)
  if (lo > hi) return 0
  let sum = 0
  const reader = readerOf(blob)
  for (let i = 0; i < SECONDS_PER_MINUTE; i++) {
    const v = reader.next()
    if (i >= lo && i <= hi) sum += v
  }
  checkEnd(reader, blob)
  return sum
}

/** Both parts added second by second, read and written in one pass. */
function addParts(a: Uint8Array, b: Uint8Array): Buffer {
  const readA = readerOf(a)
  const readB = readerOf(b)
  let at = 0
  for (let i = 0; i < SECONDS_PER_MINUTE; i++)
    at = writeVarint(scratch, at, checkedBytes(readA.next() + readB.next()))
  checkEnd(readA, a)
  checkEnd(readB, b)
  return copyScratch(at)
}

/** Registers the usage-parts SQL functions on a connection (the writer's and every reader's). */
export function registerUsageParts(db: Database): void {
  db.function('usage_parts_sum', { deterministic: true }, (parts, minute, from, to) =>
    sumParts(parts as Uint8Array, Number(minute), Number(from), Number(to)),
  )
  db.function('usage_parts_add', { deterministic: true }, (a, b) =>
    addParts(a as Uint8Array, b as Uint8Array),
  )
}

/**
 * The minute buckets holding seconds `from < sec <= to` (SQL expressions of positive whole seconds, bound as
 * integers or reals), as SQL bounds on `minute`.
 */
export const minutesOfSecondsSql = (from: string, to: string, minute = 'minute') =>
  `${minute} >= CAST((${from} + 60) / 60 AS INTEGER) AND ${minute} <= CAST((${to} + 59) / 60 AS INTEGER)`

/**
 * SQL for the rows of a parts table whose minutes overlap the seconds `from < sec <= to`, with the bytes of
 * those seconds as `bytes`; none for an empty range (whose bounds can still name a minute).
 */
export const partsInSecondsSql = (table: string, columns: string, from: string, to: string) =>
  `SELECT ${columns}, usage_parts_sum(parts, minute, ${from}, ${to}) AS bytes FROM ${table}
   WHERE ${from} < ${to} AND ${minutesOfSecondsSql(from, to)}`
