// File import, NDJSON and CSV, against reading, splitting and parsing the same file. The import runs the
// real importFile into a fresh engine over the file's first records (importEvents of them): the whole
// 500 MB would outlast the time budget at today's rate. It is not stopped by cancelling: cancelling a CSV import
// crashes the process (see docs/benchmarks.md).
import { createReadStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine } from '../src/pipeline/engine'
import { importFile } from '../src/pipeline/importers/import-file'
import { SIZES, type Mode } from './config'
import { csvFile, fileSize, headFile, ndjsonFile } from './datasets'
import { fmt, shareRow, type BenchResult } from './report'
import { stageReport, timeStages } from './stage-timer'

const NEWLINE = 0x0a

/**
 * The machine's limit: read the file in 1 MiB chunks, split at '\n', decode each line and parse it
 * (JSON.parse for NDJSON, a split at ',' for CSV, whose cells here hold no quotes). Returns bytes/s.
 */
async function readSplitParse(
  path: string,
  format: 'ndjson' | 'csv',
): Promise<{ bytesPerS: number; lines: number }> {
  const parse =
    format === 'ndjson' ? (line: string) => JSON.parse(line) as unknown : (line: string) => line.split(',')
  const started = performance.now()
  let carry: Buffer = Buffer.alloc(0)
  let lines = 0
  let bytes = 0
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = carry.length === 0 ? (chunk as Buffer) : Buffer.concat([carry, chunk as Buffer])
    bytes += (chunk as Buffer).length
    let start = 0
    for (let end = buffer.indexOf(NEWLINE); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      parse(buffer.toString('utf8', start, end))
      lines++
      start = end + 1
    }
    carry = buffer.subarray(start)
  }
  if (carry.length > 0) parse(carry.toString('utf8'))
  return { bytesPerS: (bytes / (performance.now() - started)) * 1000, lines }
}

export async function importBench(mode: Mode, format: 'ndjson' | 'csv'): Promise<BenchResult> {
  const { fileBytes, importEvents } = SIZES[mode]
  const path = format === 'ndjson' ? await ndjsonFile(fileBytes) : await csvFile(fileBytes)
  const head = await headFile(path, importEvents)
  const limit = await readSplitParse(path, format)

  const dir = mkdtempSync(join(tmpdir(), 'vigia-bench-import-'))
  try {
    const engine = Engine.open(join(dir, 'vigia.db'))
    timeStages()
    const summary = await importFile(engine, head)
    engine.close()
    if (summary.status !== 'done') throw new Error(`import ${summary.status}: ${summary.message}`)
    if (summary.quarantined > 0) throw new Error(`${summary.quarantined} records quarantined`)
    const bytes = fileSize(head)
    const rate = (bytes / summary.durationMs) * 1000
    const label = format === 'ndjson' ? 'NDJSON' : 'CSV'
    return {
      rows: [
        shareRow(
          `file import, ${label}`,
          rate / 1e6,
          limit.bytesPerS / 1e6,
          0.3,
          'MB',
          `importFile of the first ${fmt.int(importEvents)} records (${fmt.mb(bytes)}) of a ${fmt.mb(fileSize(path))} file: ${fmt.int(summary.accepted)} events in ${(summary.durationMs / 1000).toFixed(1)} s, ${fmt.rate((summary.accepted / summary.durationMs) * 1000, 'events')}, the whole file would take ${fmt.int(fileSize(path) / rate)} s; limit: read + split + ${format === 'ndjson' ? 'JSON.parse' : "split(',')"} of the whole file (${fmt.int(limit.lines)} lines)`,
        ),
      ],
      details: [`Import ${label}: engine stages over the import:`, ...stageReport(summary.durationMs)],
      peakRss: process.resourceUsage().maxRSS * 1024,
      engine: true,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
