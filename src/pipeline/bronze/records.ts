// Splitting a landed payload into bronze records. A record keeps its source text; only JSON arrays and
// envelopes are re-serialised per element (the exact bytes stay in landing).

export type RecordFormat = 'json' | 'csv' | 'parquet'

export interface RawRecord {
  /** 1-based position in the source: line of a frame or file, element of an array, row of a table. */
  line: number
  format: RecordFormat
  raw: string
  /** Set when the record could not be read (invalid UTF-8, CSV syntax): silver quarantines it with this. */
  error?: string
}

export type SplitResult =
  { ok: true; records: RawRecord[]; seq?: string } | { ok: false; error: string; seq?: string }

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * A WebSocket frame holds one JSON event, a JSON array of events, NDJSON lines, or an envelope
 * `{"seq": ..., "events": [...]}` that names the frame. A frame that cannot be read at all (not UTF-8, a
 * broken array, nothing in it) is an error for the whole frame; a bad line in NDJSON is a record that
 * silver will quarantine, so its neighbours still count.
 */
export function splitFrame(bytes: Uint8Array): SplitResult {
  try {
    return split(bytes)
  } catch (error) {
    // Hostile shapes (JSON nested thousands deep) can exhaust the stack: the frame is refused, not the batch.
    return { ok: false, error: `frame could not be read: ${(error as Error).message}` }
  }
}

function split(bytes: Uint8Array): SplitResult {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return { ok: false, error: 'frame is not valid UTF-8' }
  }
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, error: 'frame is empty' }
  if (trimmed.startsWith('[')) return splitArray(trimmed)
  const single = parseOne(trimmed)
  if (single.ok && isEnvelope(single.value)) return splitEnvelope(single.value)
  if (single.ok || !trimmed.includes('\n')) {
    // One event, possibly pretty-printed over several lines (or one unreadable line for silver to reject).
    return { ok: true, records: [{ line: lineOfFirstContent(text), format: 'json', raw: trimmed }] }
  }
  return { ok: true, records: splitLines(text) }
}

export function splitLines(text: string, firstLine = 1): RawRecord[] {
  const records: RawRecord[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim()
    if (line !== '') records.push({ line: firstLine + i, format: 'json', raw: line })
  }
  return records
}

function splitArray(text: string): SplitResult {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ok: false, error: `frame is not a valid JSON array: ${(error as Error).message}` }
  }
  if (!Array.isArray(value)) return { ok: false, error: 'frame is not a JSON array' }
  if (value.length === 0) return { ok: false, error: 'frame is an empty array' }
  return { ok: true, records: elements(value) }
}

interface Envelope {
  seq?: unknown
  events: unknown[]
}

const isEnvelope = (value: unknown): value is Envelope =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Array.isArray((value as Envelope).events)

function splitEnvelope(envelope: Envelope): SplitResult {
  let seq: string | undefined
  if (envelope.seq !== undefined) {
    const valid = typeof envelope.seq === 'string' || typeof envelope.seq === 'number'
    if (!valid || String(envelope.seq).length > 100) {
      return { ok: false, error: 'seq must be a string or a number of at most 100 characters' }
    }
    seq = String(envelope.seq)
  }
  if (envelope.events.length === 0) return { ok: false, error: 'envelope has no events', seq }
  return { ok: true, seq, records: elements(envelope.events) }
}

const elements = (values: unknown[]): RawRecord[] =>
  values.map((element, index) => ({ line: index + 1, format: 'json', raw: JSON.stringify(element) }))

function lineOfFirstContent(text: string): number {
  const leading = text.length - text.trimStart().length
  let line = 1
  for (let i = 0; i < leading; i++) if (text.charCodeAt(i) === 0x0a) line++
  return line
}

/** NDJSON fails this at its second line, so trying costs about one line's parse. */
function parseOne(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}
