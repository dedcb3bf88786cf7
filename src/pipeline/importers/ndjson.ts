// NDJSON: one JSON record per line, split at the byte level so a bad byte spoils only its own line.
import type { RawRecord } from '../bronze/records'

const utf8 = new TextDecoder('utf-8', { fatal: true })
const lossy = new TextDecoder('utf-8')
const NEWLINE = 0x0a

export async function* ndjsonRecords(input: AsyncIterable<Uint8Array>): AsyncGenerator<RawRecord> {
  let carry: Uint8Array = new Uint8Array(0)
  let line = 0
  for await (const chunk of input) {
    const buffer = carry.length === 0 ? chunk : concat(carry, chunk)
    let start = 0
    for (let end = buffer.indexOf(NEWLINE); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      line++
      const record = toRecord(buffer.subarray(start, end), line)
      if (record) yield record
      start = end + 1
    }
    carry = buffer.slice(start)
  }
  if (carry.length > 0) {
    const record = toRecord(carry, line + 1)
    if (record) yield record
  }
}

function toRecord(bytes: Uint8Array, line: number): RawRecord | undefined {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return { line, format: 'json', raw: lossy.decode(bytes), error: 'line is not valid UTF-8' }
  }
  const raw = text.trim()
  return raw === '' ? undefined : { line, format: 'json', raw }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
