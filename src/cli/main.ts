// `vigia`: the command line over the same engine the desktop app uses.
import { Command, InvalidArgumentError, Option } from 'commander'
import { existsSync, readFileSync } from 'node:fs'
import { defaultDbPath } from '../main/paths'
import { openDb, type Db } from '../pipeline/db/open'
import { readingSeen } from '../pipeline/db/device-seen'
import { replayedSeenView } from '../pipeline/gold/seen-replay'
import { Engine } from '../pipeline/engine'
import { SettingsStore } from '../pipeline/settings-store'
import { currentSecond, isWholeSecond, isoOf, wholeSecondAdvice } from '../shared/instant'
import { importFile, type ImportSummary } from '../pipeline/importers/import-file'
import { listInventory, parseInventory, upsertInventory } from '../pipeline/inventory'
import { overviewQuery } from '../pipeline/metrics/overview'
import { listQuarantine } from '../pipeline/silver/quarantine'
import { formatInventoryCsv, formatInventoryTable } from './format-inventory'
import { formatOverview } from './format-overview'
import { formatProgress } from './format-progress'
import { registerServe } from './serve-command'
import { registerSimulate } from './simulate-command'

const program = new Command()
  .name('vigia')
  .description('Vigia: live connections, bandwidth and heavy users of an ISP, over a local SQLite pipeline.')
  .option('--db <path>', 'database file', defaultDbPath())
  .showHelpAfterError()

const dbPath = (): string => program.opts<{ db: string }>().db
const engineFor = (): Engine => Engine.open(dbPath())

/** Commands that only read use a read-only connection: the one writer may be the running app. */
function readerFor(): Db {
  const path = dbPath()
  if (!existsSync(path)) throw new Error(`no database at ${path}: import something first, or pass --db`)
  return openDb(path, { readonly: true })
}

program
  .command('import')
  .description('import NDJSON or CSV files (optionally gzipped), streamed, with progress on stderr')
  .argument('<files...>')
  .option('--force', 'import again files whose content was imported before')
  .action(async (files: string[], options: { force?: boolean }) => {
    const engine = engineFor()
    const abort = new AbortController()
    process.once('SIGINT', () => abort.abort())
    let failed = false
    try {
      for (const file of files) {
        let warned = false
        const summary = await importFile(engine, file, {
          force: options.force,
          signal: abort.signal,
          onProgress: (p) => {
            // Known before any record is landed: it comes with the first progress report.
            if (p.warning && !warned) process.stderr.write(`warning: ${file}: ${p.warning}\n`)
            warned ||= p.warning !== null
            process.stderr.write(`\r${formatProgress(p)}`)
          },
        })
        process.stderr.write('\n')
        printSummary(summary)
        if (summary.status === 'failed' || summary.status === 'cancelled') failed = true
        if (abort.signal.aborted) break
      }
    } finally {
      engine.close()
    }
    if (failed) process.exitCode = 1
  })

program
  .command('metrics')
  .description('the answers to the five questions at a time T (default now)')
  .option('--at <time>', 'ISO-8601 time or epoch milliseconds, a whole second', parseTime)
  .option('--json', 'print the Overview as JSON')
  .action((options: { at?: number; json?: boolean }) => {
    const db = readerFor()
    try {
      const overviewAt = overviewQuery(db)
      // Beside the running app, the devices' last seen gold's thread holds in memory are replayed from silver
      // (seen-replay.ts), in the read transaction of the overview.
      const overview = db.transaction(() =>
        readingSeen(db, replayedSeenView(db), () =>
          // Asked for now, it is a live view: its usage figures are a minute behind (docs/metrics.md).
          overviewAt(options.at ?? currentSecond(), new SettingsStore(db).get(), options.at === undefined),
        ),
      )()
      console.log(options.json ? JSON.stringify(overview, null, 2) : formatOverview(overview))
    } finally {
      db.close()
    }
  })

program
  .command('quarantine')
  .description('list rejected records with their reason, newest first')
  .option('--limit <n>', 'how many', (v) => parsePositive(v), 50)
  .option('--json', 'print as JSON')
  .action((options: { limit: number; json?: boolean }) => {
    const db = readerFor()
    try {
      const rows = listQuarantine(db, { limit: options.limit })
      if (options.json) return console.log(JSON.stringify(rows, null, 2))
      if (rows.length === 0) return console.log('quarantine is empty')
      for (const r of rows) {
        console.log(
          `${r.source} line ${r.line}: ${r.field ? `${r.field} ` : ''}${r.reason}\n    ${r.raw.slice(0, 200)}`,
        )
      }
    } finally {
      db.close()
    }
  })

program
  .command('rebuild')
  .description('recompute silver and gold from what was received (landing and bronze)')
  .action(() => {
    const engine = engineFor()
    try {
      const started = Date.now()
      const oldest = engine.rebuild()
      console.log(`rebuilt silver and gold in ${((Date.now() - started) / 1000).toFixed(1)} s`)
      if (oldest !== null) {
        console.log(
          `  from landing and bronze, which hold records received since ${new Date(oldest).toISOString()}: older silver and gold rows are gone (landing keeps ${engine.settings.get().retentionDays.landing} days, bronze ${engine.settings.get().retentionDays.bronze})`,
        )
      }
    } finally {
      engine.close()
    }
  })

const inventory = program.command('inventory').description("the server inventory: each server's capacity")

inventory
  .command('import')
  .description('add or update servers from a JSON array or a CSV file; nothing is saved if any row is wrong')
  .argument('<file>')
  .action((file: string) => {
    const { rows, errors } = parseInventory(readFileSync(file, 'utf8'))
    if (errors.length > 0) {
      console.error(`vigia: ${file}: nothing saved`)
      for (const e of errors.slice(0, 20)) console.error(`  ${e}`)
      if (errors.length > 20) console.error(`  ... and ${errors.length - 20} more`)
      process.exitCode = 1
      return
    }
    const engine = engineFor()
    try {
      upsertInventory(engine.db, rows)
    } finally {
      engine.close()
    }
    console.log(`${file}: ${rows.length} server${rows.length === 1 ? '' : 's'} saved`)
  })

inventory
  .command('list')
  .description('list the servers of the inventory')
  .addOption(new Option('--json', 'print as JSON').conflicts('csv'))
  .addOption(new Option('--csv', 'print as CSV, in the columns that inventory import reads'))
  .action((options: { json?: boolean; csv?: boolean }) => {
    const db = readerFor()
    try {
      const rows = listInventory(db)
      if (options.json) console.log(JSON.stringify(rows, null, 2))
      else if (options.csv) process.stdout.write(formatInventoryCsv(rows))
      else console.log(formatInventoryTable(rows))
    } finally {
      db.close()
    }
  })

function printSummary(s: ImportSummary): void {
  const seconds = (s.durationMs / 1000).toFixed(1)
  const what = s.format ? ` (${s.format}${s.gzip ? ', gzip' : ''})` : ''
  console.log(
    `${s.path}${what}: ${s.status}: ${s.records} records, ${s.accepted} accepted, ${s.duplicates} duplicates, ${s.quarantined} quarantined in ${seconds} s`,
  )
  if (s.message) console.log(`  ${s.message}${s.status === 'skipped' ? ': use --force to import again' : ''}`)
  for (const r of s.rejects.slice(0, 10))
    console.log(`  line ${r.line}: ${r.field ? `${r.field} ` : ''}${r.reason}`)
  if (s.quarantined > 10) console.log(`  ... see all with: vigia quarantine`)
}

function parseTime(value: string): number {
  const epoch = /^\d+$/.test(value)
  const ms = epoch ? Number(value) : Date.parse(value)
  if (Number.isNaN(ms)) throw new InvalidArgumentError('expected an ISO-8601 time or epoch milliseconds')
  // Date.parse keeps milliseconds only: a fraction beyond them (12:40:00.0004) is not a whole second either.
  const beyondMs = !epoch && /\.\d{3}\d*[1-9]/.test(value)
  // Not InvalidArgumentError: commander would print the whole help after it, burying the advice.
  if (!isWholeSecond(ms) || beyondMs)
    throw new Error(`--at ${value}: ${wholeSecondAdvice(ms, epoch ? String : isoOf)}`)
  return ms
}

function parsePositive(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer')
  return n
}

registerSimulate(program)
registerServe(program)

try {
  await program.parseAsync()
} catch (error) {
  console.error(`vigia: ${(error as Error).message}`)
  process.exitCode = 1
}
