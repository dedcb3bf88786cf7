// `npm run bench [-- --quick] [-- --profile] [-- --only a,b]`: runs every benchmark in a process of its
// own, prints the table and, for a full run, writes it into docs/benchmarks.md with the machine it ran on.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join, relative } from 'node:path'
import * as prettier from 'prettier'
import { DATA_DIR, ROOT_DIR, type Mode } from './config'
import { runBench } from './fork'
import { BUILT_WORKERS_ENV } from '../src/main/worker-client'
import { profilesIn, summarize } from './profile'
import { ensureBuilt } from './vigia-process'
import {
  ceilingRow,
  fmt,
  machine,
  machineLines,
  markdownTable,
  textTable,
  type BenchResult,
  type Machine,
  type Row,
} from './report'

const BENCHES = [
  'prepare',
  'pipeline',
  'pipeline-threads',
  'pipeline-grown',
  'ws-batch',
  'ws-single',
  'latency',
  'import-ndjson',
  'import-csv',
  'overview',
  'client-table',
  'idle-page',
  'range-change',
]
const DOC = join(ROOT_DIR, 'docs', 'benchmarks.md')
const START = '<!-- bench:results:start -->'
const END = '<!-- bench:results:end -->'
const MEMORY_BUDGET = 600e6

const args = process.argv.slice(2)
const mode: Mode = args.includes('--quick') ? 'quick' : 'full'
const only = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : BENCHES
const unknown = only.filter((name) => !BENCHES.includes(name))
if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}: use ${BENCHES.join(', ')}`)
const profileDir = args.includes('--profile') ? join(DATA_DIR, 'profiles', String(Date.now())) : undefined

function memoryRow(results: [string, BenchResult][]): Row {
  const engines = results.filter(([, r]) => r.engine)
  const peak = Math.max(...engines.map(([, r]) => r.peakRss))
  const each = engines.map(([name, r]) => `${name} ${fmt.mb(r.peakRss)}`).join(', ')
  return ceilingRow(
    'peak memory of the engine (RSS)',
    peak,
    MEMORY_BUDGET,
    fmt.mb,
    `maxRSS of each process that ran an engine: ${each}`,
  )
}

function failedRow(name: string, error: Error): Row {
  return {
    what: name,
    target: '-',
    measured: 'failed',
    limit: '-',
    ratio: NaN,
    ratioOf: 'target',
    pass: false,
    note: error.message.split('\n')[0]!,
  }
}

function section(rows: Row[], details: string[], m: Machine, seconds: number): string {
  return [
    START,
    '',
    `Full run (\`npm run bench\`), ${seconds.toFixed(0)} s in all.`,
    '',
    ...machineLines(m),
    '',
    markdownTable(rows),
    '',
    'How each figure was measured:',
    '',
    ...rows.map((r) => `- **${r.what}**: ${r.note}.`),
    '',
    'Where the time went (stage timings and, with `--profile`, CPU profiles):',
    '',
    '```text',
    ...details,
    '```',
    '',
    END,
  ].join('\n')
}

/** Replaces the generated part of docs/benchmarks.md, formatted as `npm run format:check` wants it. */
async function writeDoc(text: string): Promise<void> {
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : `# Benchmarks\n\n${START}\n${END}\n`
  const start = doc.indexOf(START)
  const end = doc.indexOf(END)
  if (start === -1 || end === -1) throw new Error(`${DOC} has lost its ${START} ... ${END} markers`)
  const options = (await prettier.resolveConfig(DOC)) ?? {}
  const next = doc.slice(0, start) + text + doc.slice(end + END.length)
  writeFileSync(DOC, await prettier.format(next, { ...options, filepath: DOC }))
}

async function main(): Promise<void> {
  // The app runs its worker threads from its build (the desktop app, and `npm start` headless); so do the
  // benchmarks, built from these sources first. From sources each thread would register tsx and get a module
  // loader thread and heap of its own, about 100 MB that the app does not have (benchmarks.md, tenth steps).
  ensureBuilt()
  process.env[BUILT_WORKERS_ENV] = join(ROOT_DIR, 'out', 'main')
  const m = machine()
  const started = performance.now()
  const results: [string, BenchResult][] = []
  const rows: Row[] = []
  const details: string[] = []
  for (const name of BENCHES.filter((b) => only.includes(b))) {
    const at = ((performance.now() - started) / 1000).toFixed(0)
    process.stderr.write(`[${at} s] ${name}\n`)
    try {
      const result = await runBench({ name, mode }, profileDir)
      results.push([name, result])
      rows.push(...result.rows)
      details.push(...result.details, '')
    } catch (error) {
      rows.push(failedRow(name, error as Error))
    }
  }
  if (results.some(([, r]) => r.engine)) rows.push(memoryRow(results))
  if (profileDir) {
    for (const file of profilesIn(profileDir)) {
      const summary = summarize(file)
      if (summary.length > 0) details.push(`CPU profile ${relative(ROOT_DIR, file)}:`, ...summary, '')
    }
  }
  const seconds = (performance.now() - started) / 1000
  m.loadEnd = loadavg()[0]!
  const notes = rows.map((r) => `- ${r.what}: ${r.note}`).join('\n')
  process.stdout.write(`\n${textTable(rows)}\n\n${notes}\n\n${details.join('\n')}\n`)
  process.stdout.write(`${machineLines(m).join('\n')}\n${mode} run: ${seconds.toFixed(0)} s\n`)
  if (mode === 'full' && only === BENCHES) {
    await writeDoc(section(rows, details, m, seconds))
    process.stdout.write(`wrote ${DOC}\n`)
  }
  if (rows.some((r) => r.measured === 'failed')) process.exitCode = 1
}

await main()
