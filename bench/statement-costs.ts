// Where the engine's time goes, statement by statement: `npx tsx bench/statement-costs.ts` runs the quick
// pipeline benchmark's 60,000 events through Engine.ingestFrames (10,000 per call, lag 0) on a copy of its
// warmed database, times every SQL statement the engine runs and every transaction's BEGIN and COMMIT, and
// lists them by time per event. What they do not account for is JavaScript and the garbage collector. Its
// process CPU time is printed too: it varies less than the wall clock when other work shares the cores.
// There is no checkpointer thread here, as there is in the app: a COMMIT also checkpoints the WAL.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_GOLD_LAG_MS } from '../src/main/engine-protocol'
import { Engine, type IncomingFrame } from '../src/pipeline/engine'
import { FRAME_EVENTS, LIMIT_TRANSACTION_ROWS, SIZES, WARM_EVENTS } from './config'
import { lines, ndjsonFile, warmDb } from './datasets'

const EVENTS = SIZES.quick.pipelineEvents
// The shape of the calls: by default the pipeline benchmark's (100-event frames, 10,000 events a call, gold
// in the same transaction). `STATEMENT_SHAPE=one-event-frames` is the WebSocket benchmark's with one-event
// frames instead: about 170 frames a call, gold folded with the app's lag between calls.
const ONE_EVENT_FRAMES = process.env.STATEMENT_SHAPE === 'one-event-frames'
const FRAME_SIZE = ONE_EVENT_FRAMES ? 1 : FRAME_EVENTS
const CALL_EVENTS = ONE_EVENT_FRAMES ? 170 : LIMIT_TRANSACTION_ROWS
const GOLD_LAG_MS = ONE_EVENT_FRAMES ? DEFAULT_GOLD_LAG_MS : 0
const SHOWN = 25

interface Cost {
  calls: number
  ms: number
}

type Method = (...args: unknown[]) => unknown

const skip = process.env.SKIP_STATEMENTS ? new RegExp(process.env.SKIP_STATEMENTS) : null

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
    // What a design that kept these rows in memory would save: `SKIP_STATEMENTS=<regex>` makes the runs of
    // the matching writes do nothing (the engine's answers are then wrong; its cost without them is right).
    if (skip?.test(key)) stmt.run = () => ({ changes: 1, lastInsertRowid: 0 })
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

/**
 * Times what a transaction costs beyond its body (BEGIN and COMMIT: the commit writes the dirty pages to the
 * WAL) into `cost`, while `timing()` says so.
 */
function timeCommits(cost: Cost, timing: () => boolean): void {
  const proto = Database.prototype as unknown as { transaction: (fn: Method) => Method }
  const transaction = proto.transaction
  proto.transaction = function (this: unknown, fn: Method) {
    let bodyMs = 0
    const wrapped = transaction.call(this, function (this: unknown, ...args: unknown[]) {
      const started = performance.now()
      try {
        return fn.apply(this, args)
      } finally {
        bodyMs = performance.now() - started
      }
    })
    // The engine begins with BEGIN IMMEDIATE (and the others stay as they are).
    const timed = (variant: Method) =>
      function (this: unknown, ...args: unknown[]) {
        const started = performance.now()
        try {
          return variant.apply(this, args)
        } finally {
          if (timing()) {
            cost.calls++
            cost.ms += performance.now() - started - bodyMs
          }
        }
      }
    const variants = wrapped as unknown as Record<string, Method>
    return Object.assign(timed(wrapped), {
      deferred: timed(variants.deferred!),
      immediate: timed(variants.immediate!),
      exclusive: timed(variants.exclusive!),
    })
  }
}

const costs = new Map<string, Cost>()
const commits: Cost = { calls: 0, ms: 0 }
let timing = false
timeStatements(costs, () => timing)
timeCommits(commits, () => timing)

const dir = mkdtempSync(join(tmpdir(), 'vigia-statement-costs-'))
try {
  const path = join(dir, 'vigia.db')
  await warmDb(path, 'quick')
  const events: string[] = []
  for await (const line of lines(await ndjsonFile(SIZES.quick.fileBytes), EVENTS, WARM_EVENTS))
    events.push(line)
  const opened = performance.now()
  // STATEMENT_DEFER_SEEN=1: the devices' rows whose last seen alone moved left unwritten, as gold's thread
  // leaves them (DeviceStates, deferSeen).
  const engine = Engine.open(path, {
    goldLagMs: GOLD_LAG_MS,
    deviceStates: { deferSeen: process.env.STATEMENT_DEFER_SEEN === '1' },
  })
  const openMs = performance.now() - opened

  timing = true
  const started = performance.now()
  const cpu = process.cpuUsage()
  let callsMs = 0
  let foldsMs = 0
  for (let i = 0; i < events.length; i += CALL_EVENTS) {
    const frames: IncomingFrame[] = []
    for (let j = i; j < Math.min(i + CALL_EVENTS, events.length); j += FRAME_SIZE) {
      const bytes = Buffer.from(events.slice(j, j + FRAME_SIZE).join('\n'))
      frames.push({ source: 'bench', seq: null, receivedAt: Date.now(), bytes })
    }
    const called = performance.now()
    engine.ingestFrames(frames)
    const folding = performance.now()
    callsMs += folding - called
    // As the engine's worker does between calls (engine-worker.ts).
    if (GOLD_LAG_MS > 0) engine.foldDueGold()
    foldsMs += performance.now() - folding
  }
  const settling = performance.now()
  engine.settleGold()
  foldsMs += performance.now() - settling
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
  if (GOLD_LAG_MS > 0)
    console.log(
      `in ingestFrames calls:    ${perEvent(callsMs)}, in gold's folds between them ${perEvent(foldsMs)}`,
    )
  console.log(`and BEGIN and COMMIT:     ${perEvent(commits.ms)} per event (${commits.calls} transactions)`)
  console.log(`\nper event   calls/event  statement`)
  for (const [sql, cost] of [...costs].sort((a, b) => b[1].ms - a[1].ms).slice(0, SHOWN))
    console.log(`${perEvent(cost.ms)}  ${(cost.calls / events.length).toFixed(2).padStart(10)}  ${sql}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
