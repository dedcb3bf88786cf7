// One top-level JSON array of events, streamed element by element: the array itself is never held in
// memory. Each element becomes a record (re-serialised; the exact bytes stay in landing). Unlike NDJSON, a
// syntax error cannot be confined to one record, so it ends the file: the elements before it are kept.
import { JSONParser } from '@streamparser/json'
import type { RawRecord } from '../bronze/records'

/** Bytes handed to the parser at a time: bounds the records one write completes (a 1 MB chunk of `0,` is 500k). */
const WRITE_BYTES = 64 * 1024

export async function* jsonArrayRecords(input: AsyncIterable<Uint8Array>): AsyncGenerator<RawRecord> {
  // keepStack: false drops each element from the parser's copy of the array once it has been emitted.
  const parser = new JSONParser({ paths: ['$.*'], keepStack: false })
  let elements = 0
  let bytes = 0
  let ready: RawRecord[] = []
  parser.onValue = ({ value }) => {
    elements++
    ready.push({ line: elements, format: 'json', raw: JSON.stringify(value) })
  }
  const take = () => {
    const out = ready
    ready = []
    return out
  }

  for await (const chunk of input) {
    for (let start = 0; start < chunk.length; start += WRITE_BYTES) {
      const piece = chunk.subarray(start, start + WRITE_BYTES)
      try {
        parser.write(piece)
      } catch (error) {
        yield* take()
        const where = parser.isEnded ? 'after the closing ] of the JSON array' : `after element ${elements}`
        throw new Error(`invalid JSON ${where}: ${reason(error)}`, { cause: error })
      }
      bytes += piece.length
      yield* take()
    }
  }
  // The parser ends by itself at the array's closing bracket; ending it here means the content stopped short.
  if (!parser.isEnded) {
    try {
      parser.end()
    } catch {
      yield* take()
      throw new Error(
        `the JSON array is cut off after element ${elements}: the content ends at byte offset ${bytes} before the closing ]`,
      )
    }
  }
  yield* take()
}

function reason(error: unknown): string {
  if ((error as NodeJS.ErrnoException).code === 'ERR_ENCODING_INVALID_ENCODED_DATA') {
    return 'the text is not valid UTF-8'
  }
  // The parser counts bytes over the whole stream ("absolute position"); its chunk position and its
  // tokenizer state mean nothing to the person importing.
  return (error as Error).message.replace(
    /at chunk position "\d+" \(absolute position "(\d+)"\) in state \w+/,
    'at byte offset $1',
  )
}
