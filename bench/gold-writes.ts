// Gold's SQL writes, recorded as a real engine makes them and replayed without gold's JavaScript: the part
// of gold that any engine keeping today's gold tables must pay, whatever its code (bench/medallion-floor.ts).
// While GoldStage.fold runs, every call of a statement that writes (and every exec) is noted with its
// arguments; the replay prepares the same SQL on another connection and calls it the same way, in order.
// Reads (the device states, the seconds leaving the windows) are left out: the floor is lower for it.
import type { Db } from '../src/pipeline/db/open'
import { GoldStage } from '../src/pipeline/gold/gold-stage'

type Method = 'run' | 'get' | 'all' | 'exec'
export interface GoldWrite {
  method: Method
  /** Index of its SQL in the recording's `sql`: a number, so the replay does not hash SQL text per call. */
  sql: number
  args: unknown[]
}

export interface GoldWrites {
  sql: string[]
  writes: GoldWrite[]
}

interface StatementLike {
  source: string
  readonly: boolean
}

/**
 * Records gold's writes made while `work` runs on `db`'s connection (the only one in the process), and
 * returns them with `work`'s result.
 */
export function recordGoldWrites<T>(db: Db, work: () => T): { result: T; recorded: GoldWrites } {
  const writes: GoldWrite[] = []
  const sql: string[] = []
  const sqlIds = new Map<string, number>()
  const idOf = (text: string) => {
    let id = sqlIds.get(text)
    if (id === undefined) sqlIds.set(text, (id = sql.push(text) - 1))
    return id
  }
  let folding = false
  const statementProto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, unknown>
  const dbProto = Object.getPrototypeOf(db) as Record<string, unknown>
  const originals = new Map<[Record<string, unknown>, string], unknown>()
  type AnyMethod = (this: unknown, ...args: unknown[]) => unknown
  const wrap = (
    proto: Record<string, unknown>,
    name: Method,
    wrapper: (original: AnyMethod) => AnyMethod,
  ) => {
    const original = proto[name] as AnyMethod
    originals.set([proto, name], original)
    proto[name] = wrapper(original)
  }
  for (const method of ['run', 'get', 'all'] as const)
    wrap(
      statementProto,
      method,
      (original) =>
        function (this: unknown, ...args: unknown[]) {
          const stmt = this as StatementLike
          if (folding && !stmt.readonly) writes.push({ method, sql: idOf(stmt.source), args })
          return original.apply(this, args)
        },
    )
  wrap(
    dbProto,
    'exec',
    (original) =>
      function (this: unknown, ...args: unknown[]) {
        if (folding) writes.push({ method: 'exec', sql: idOf(args[0] as string), args: [] })
        return original.apply(this, args)
      },
  )
  const fold = GoldStage.prototype.fold
  GoldStage.prototype.fold = function (this: GoldStage, ...args: Parameters<typeof fold>) {
    folding = true
    try {
      return fold.apply(this, args)
    } finally {
      folding = false
    }
  }
  try {
    return { result: work(), recorded: { sql, writes } }
  } finally {
    GoldStage.prototype.fold = fold
    for (const [[proto, name], original] of originals) proto[name] = original
  }
}

/** The table a write statement changes: what the replay's time is grouped by. */
const tableOf = (sql: string): string =>
  /^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+(\w+)/i.exec(sql)?.[1] ?? 'other'

/**
 * Replays recorded writes on `db`, in the caller's transaction; statements are prepared once per SQL. The
 * time is added up per table in `spent` (ms), read at each change of table only, so the clock costs next to
 * nothing: a fold writes one table after another.
 */
export function goldReplayer(db: Db, spent = new Map<string, number>()): (recorded: GoldWrites) => void {
  const statements = new Map<string, ReturnType<Db['prepare']>>()
  const prepared = (text: string) => {
    let stmt = statements.get(text)
    if (!stmt) statements.set(text, (stmt = db.prepare(text)))
    return stmt
  }
  return ({ sql, writes }) => {
    const stmts = sql.map((text, i) =>
      writes.some((w) => w.sql === i && w.method !== 'exec') ? prepared(text) : null,
    )
    const tables = sql.map(tableOf)
    let table: string | null = null
    let since = performance.now()
    const lap = (next: string | null) => {
      const now = performance.now()
      if (table !== null) spent.set(table, (spent.get(table) ?? 0) + now - since)
      table = next
      since = now
    }
    for (const { method, sql: id, args } of writes) {
      if (tables[id] !== table) lap(tables[id]!)
      if (method === 'exec') db.exec(sql[id]!)
      else (stmts[id]![method] as (...a: unknown[]) => unknown)(...args)
    }
    lap(null)
  }
}
