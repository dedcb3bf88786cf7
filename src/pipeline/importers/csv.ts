// CSV with a header row naming the event fields. Rows become JSON objects of their cells (all text);
// silver reads numbers out of them. A row csv-parse cannot read is kept as a record with its error.
import { parse } from 'csv-parse'
import { Readable, pipeline } from 'node:stream'
import type { RawRecord } from '../bronze/records'

export async function* csvRecords(input: AsyncIterable<Uint8Array>): AsyncGenerator<RawRecord> {
  const skipped: RawRecord[] = []
  const parser = parse({
    columns: true,
    bom: true,
    trim: true,
    info: true,
    raw: true,
    skip_empty_lines: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      skipped.push({
        line: typeof error?.lines === 'number' ? error.lines : 0,
        format: 'csv',
        raw: JSON.stringify({ raw: raw ?? '' }),
        error: `CSV: ${error?.message ?? 'unreadable row'}`,
      })
      return undefined
    },
  })
  // pipeline(), not pipe(): a cancelled or failing source must end the parse, not crash the process.
  pipeline(Readable.from(input), parser, () => {})
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>
    info: { lines: number }
  }>) {
    while (skipped.length > 0) yield skipped.shift()!
    yield { line: info.lines, format: 'csv', raw: JSON.stringify(record) }
  }
  while (skipped.length > 0) yield skipped.shift()!
}
