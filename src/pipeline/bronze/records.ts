// Splitting a landed payload into bronze records. A record keeps its source text; only JSON arrays are
// re-serialised per element (the exact bytes stay in landing).

export type RecordFormat = 'json' | 'csv' | 'parquet'

export interface RawRecord {
  /** 1-based position in the source: line of a frame or file, element of an array, row of a table. */
  line: number
  format: RecordFormat
  raw: string
  /** Set when the record could not be read (invalid UTF-8, CSV syntax): silver quarantines it with this. */
  error?: string
}

export type SplitResult = { ok: true; records: RawRecord[] } | { ok: false; error: string }

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * A WebSocket frame holds one JSON event, a JSON array of events, or NDJSON lines. A frame that cannot
 * be read at all (not UTF-8, a broken array, nothing in it) is an error for the whole frame; a bad line
 * in NDJSON is a record that silver will quarantine, so its neighbours still count.
 */
export function splitFrame(bytes: Uint8Array): SplitResult {
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    return { ok: false, error: 'frame is not valid UTF-8' }
  }
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, error: 'frame is empty' }
  if (trimmed.startsWith('[')) return splitArray(trimmed)
  const firstLine = lineOfFirstContent(text)
  if (!trimmed.includes('\n') || isOneJsonValue(trimmed)) {
    // One event, possibly pretty-printed over several lines.
    return { ok: true, records: [{ line: firstLine, format: 'json', raw: trimmed }] }
  }
  return { ok: true, records: splitLines(text) }
}

function lineOfFirstContent(text: string): number {
  const leading = text.length - text.trimStart().length
  let line = 1
  for (let i = 0; i < leading; i++) if (text.charCodeAt(i) === 0x0a) line++
  return line
}

/** NDJSON fails this at its second line, so the check costs about one line's parse. */
function isOneJsonValue(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
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
  return {
    ok: true,
    records: value.map((element, index) => ({
      line: index + 1,
      format: 'json',
      raw: JSON.stringify(element),
    })),
  }
}
