// One row per figure: its target, what was measured, the limit measured beside it in the same run, the
// ratio and the verdict. Printed as a table and written into docs/benchmarks.md.
import { readFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { ROOT_DIR } from './config'

export interface Row {
  what: string
  target: string
  measured: string
  /** The machine's limit measured in the same run, or '-' when the target is absolute. */
  limit: string
  /** measured / limit when there is a limit, else measured / target. */
  ratio: number
  ratioOf: 'limit' | 'target'
  pass: boolean
  /** Method and context: sizes, percentiles, what was left out. */
  note: string
}

/** What a benchmark sends back from its child process. */
export interface BenchResult {
  rows: Row[]
  /** Extra lines for the report: stage timings, per-run details. */
  details: string[]
  /** Peak resident set of the process that ran the engine, bytes. */
  peakRss: number
  /** Whether the process ran the engine (and so counts toward the memory row). */
  engine: boolean
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  rate: (n: number, unit: string) =>
    `${n < 100 ? n.toFixed(1) : Math.round(n).toLocaleString('en-US')} ${unit}/s`,
  ms: (n: number) => (n < 10 ? `${n.toFixed(2)} ms` : `${Math.round(n).toLocaleString('en-US')} ms`),
  mb: (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e8 ? 1 : 0)} MB`,
  ratio: (r: number) => `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`,
}

/** At least `target` of the limit: throughput rows. */
export function shareRow(
  what: string,
  measured: number,
  limit: number,
  share: number,
  unit: string,
  note: string,
): Row {
  return {
    what,
    target: `>= ${fmt.ratio(share)} of limit`,
    measured: fmt.rate(measured, unit),
    limit: fmt.rate(limit, unit),
    ratio: measured / limit,
    ratioOf: 'limit',
    pass: measured >= share * limit,
    note,
  }
}

/** At least `target` in absolute terms, with the machine's limit beside it. */
export function floorRow(
  what: string,
  measured: number,
  limit: number,
  target: number,
  unit: string,
  note: string,
): Row {
  return {
    what,
    target: `>= ${fmt.rate(target, unit)}`,
    measured: fmt.rate(measured, unit),
    limit: fmt.rate(limit, unit),
    ratio: measured / limit,
    ratioOf: 'limit',
    pass: measured >= target,
    note,
  }
}

/** At most `budget` (a time or a size): rows without a limit; the ratio is to the budget. */
export function ceilingRow(
  what: string,
  measured: number,
  budget: number,
  show: (n: number) => string,
  note: string,
): Row {
  return {
    what,
    target: `<= ${show(budget)}`,
    measured: show(measured),
    limit: '-',
    ratio: measured / budget,
    ratioOf: 'target',
    pass: measured <= budget,
    note,
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!
}

export const median = (values: readonly number[]): number => percentile(values, 0.5)

/**
 * Times `run` up to `runs` times, stopping once `budgetMs` is spent (but never before 3 runs); ms each.
 * `before`, untimed, runs ahead of each.
 */
export function repeat(run: () => void, runs: number, budgetMs: number, before = () => {}): number[] {
  const times: number[] = []
  let spent = 0
  while (times.length < runs && (times.length < 3 || spent < budgetMs)) {
    before()
    const started = performance.now()
    run()
    times.push(performance.now() - started)
    spent += times.at(-1)!
  }
  return times
}

const HEAD = ['what', 'target', 'measured', 'limit (same run)', 'ratio', 'verdict']

const cells = (r: Row): string[] => [
  r.what,
  r.target,
  r.measured,
  r.limit,
  Number.isNaN(r.ratio) ? '-' : `${fmt.ratio(r.ratio)} of ${r.ratioOf}`,
  r.pass ? 'PASS' : 'MISS',
]

export function textTable(rows: readonly Row[]): string {
  const all = [HEAD, ...rows.map(cells)]
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i]!.length)))
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')
  return [line(HEAD), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map((r) => line(cells(r)))].join(
    '\n',
  )
}

export function markdownTable(rows: readonly Row[]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`
  return [line(HEAD), line(HEAD.map(() => '---')), ...rows.map((r) => line(cells(r)))].join('\n')
}

export interface Machine {
  cpu: string
  cores: number
  ramBytes: number
  node: string
  sqlite: string
  betterSqlite3: string
  ws: string
  date: string
  /** 1-minute load average when the run started and ended: other work on the machine skews figures. */
  loadStart: number
  loadEnd: number
}

const packageVersion = (name: string): string =>
  (
    JSON.parse(readFileSync(join(ROOT_DIR, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string
    }
  ).version

export function machine(): Machine {
  const db = new Database(':memory:')
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
  db.close()
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramBytes: totalmem(),
    node: process.version,
    sqlite,
    betterSqlite3: packageVersion('better-sqlite3'),
    ws: packageVersion('ws'),
    date: new Date().toISOString(),
    loadStart: loadavg()[0]!,
    loadEnd: NaN,
  }
}

export function machineLines(m: Machine): string[] {
  return [
    `- CPU: ${m.cpu}, ${m.cores} cores; RAM: ${(m.ramBytes / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${m.node}; SQLite ${m.sqlite}; better-sqlite3 ${m.betterSqlite3}; ws ${m.ws}`,
    `- Date: ${m.date}; load average (1 min) ${m.loadStart.toFixed(2)} at the start, ${m.loadEnd.toFixed(2)} at the end`,
  ]
}
