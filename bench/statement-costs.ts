// Where the engine's time goes, statement by statement: `npx tsx bench/statement-costs.ts` runs the quick
// pipeline benchmark's 60,000 events through Engine.ingestFrames (10,000 per call, lag 0) on a copy of its
// warmed database, times every SQL statement the engine runs, and lists them by time per event. What the
// statements do not account for is JavaScript, the commits' page writes and the garbage collector. Its
// process CPU time is printed too: it varies less than the wall clock when other work shares the cores.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Engine, type IncomingFrame } from '../src/pipeline/engine'
import { FRAME_EVENTS, LIMIT_TRANSACTION_ROWS, SIZES, WARM_EVENTS } from './config'
import { lines, ndjsonFile, warmDb } from './datasets'

const EVENTS = SIZES.quick.pipelineEvents
const SHOWN = 25

interface Cost {
  calls: number
  ms: number
}

type Method = (...args: unknown[]) => unknown

/** Wraps every statement prepared from now on so that its runs add to `costs` while `timing()` says so. */
function timeStatements(costs: Map<string, Cost>, timing: () => boolean): void {
  const proto = Database.prototype as unknown as { prepare: (sql: string) => Record<string, Method> }
  const prepare = proto.prepare
  proto.prepare = function (this: unknown, sql: string) {
    const stmt = prepare.call(this, sql)
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 100)
    const add = (started: number, calls: number) => {
      const cost = costs.get(key) ?? { calls: 0, ms: 0 }
      cost.calls += calls
      cost.ms += performance.now() - started
      costs.set(key, cost)
    }
    for (const name of ['run', 'get', 'all']) {
      const original = stmt[name]!
      stmt[name] = function (this: unknown, ...args: unknown[]) {
        if (!timing()) return original.apply(this, args)
        const started = performance.now()
        try {
          return original.apply(this, args)
        } finally {
          add(started, 1)
        }
      }
    }
    // An iteration is timed row by row, as its caller takes the rows.
    const iterate = stmt.iterate!
    stmt.iterate = function (this: unknown, ...args: unknown[]) {
      const started = performance.now()
      const rows = iterate.apply(this, args) as IterableIterator<unknown>
      if (timing()) add(started, 1)
      return {
        next: () => {
          const at = performance.now()
          const row = rows.next()
          if (timing()) add(at, 0)
          return row
        },
        return: (value?: unknown) => rows.return?.(value) ?? { done: true, value },
        [Symbol.iterator]() {
          return this
        },
      }
    }
    return stmt
  }
}

const costs = new Map<string, Cost>()
let timing = false
timeStatements(costs, () => timing)

const dir = mkdtempSync(join(tmpdir(), 'vigia-statement-costs-'))
try {
  const path = join(dir, 'vigia.db')
  await warmDb(path, 'quick')
  const events: string[] = []
  for await (const line of lines(await ndjsonFile(SIZES.quick.fileBytes), EVENTS, WARM_EVENTS))
    events.push(line)
  const opened = performance.now()
  const engine = Engine.open(path)
  const openMs = performance.now() - opened

  timing = true
  const started = performance.now()
  const cpu = process.cpuUsage()
  for (let i = 0; i < events.length; i += LIMIT_TRANSACTION_ROWS) {
    const frames: IncomingFrame[] = []
    for (let j = i; j < Math.min(i + LIMIT_TRANSACTION_ROWS, events.length); j += FRAME_EVENTS) {
      const bytes = Buffer.from(events.slice(j, j + FRAME_EVENTS).join('\n'))
      frames.push({ source: 'bench', seq: null, receivedAt: Date.now(), bytes })
    }
    engine.ingestFrames(frames)
  }
  const wallMs = performance.now() - started
  const { user, system } = process.cpuUsage(cpu)
  timing = false
  engine.close()

  const perEvent = (ms: number) => `${((ms * 1000) / events.length).toFixed(2).padStart(7)} µs`
  let statementsMs = 0
  for (const cost of costs.values()) statementsMs += cost.ms
  console.log(
    `${events.length.toLocaleString('en-US')} events on the warmed database (Engine.open: ${openMs.toFixed(0)} ms)`,
  )
  console.log(`engine, wall clock:       ${perEvent(wallMs)} per event`)
  console.log(`engine, process CPU:      ${perEvent((user + system) / 1000)} per event`)
  console.log(`of it, SQL statements:    ${perEvent(statementsMs)} per event`)
  console.log(`\nper event   calls/event  statement`)
  for (const [sql, cost] of [...costs].sort((a, b) => b[1].ms - a[1].ms).slice(0, SHOWN))
    console.log(`${perEvent(cost.ms)}  ${(cost.calls / events.length).toFixed(2).padStart(10)}  ${sql}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
