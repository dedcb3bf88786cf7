// A device's last_seen and minute_first_ts, as the readers' statements read them: through the SQL function
// `gold_device_seen(slot, column, stored)`, which answers from gold's shared memory (gold/shared-seen.ts)
// while a reader reads with a view of it (`readingSeen`), and the row's own value otherwise (the engine's
// connection, the CLI, a reader with no view of the read transaction's gold). Every connection has it, so
// the same statements run everywhere.
import type { SeenView } from '../gold/shared-seen'
import type { Db } from './open'

const LAST_SEEN = 0
const MINUTE_FIRST_TS = 1

const views = new WeakMap<Db, { view: SeenView | null }>()

/** Defines gold_device_seen on a connection (openDb does, for each). */
export function registerDeviceSeen(db: Db): void {
  const held: { view: SeenView | null } = { view: null }
  views.set(db, held)
  db.function('gold_device_seen', { deterministic: false }, (slot, column, stored) => {
    const { view } = held
    if (!view || slot === null) return stored
    return column === LAST_SEEN
      ? view.lastSeen(slot as number, stored as number)
      : view.minuteFirst(slot as number, stored as number | null)
  })
}

/** Runs `read` with `view` answering gold_device_seen on `db` (null: the rows' own values). */
export function readingSeen<T>(db: Db, view: SeenView | null, read: () => T): T {
  const held = views.get(db)!
  held.view = view
  try {
    return read()
  } finally {
    held.view = null
  }
}

/**
 * Runs `read` with `view` answering gold_device_seen (`readingSeen`), then lets the view go. Null when what
 * it read of the view is void (gold's thread wrote its copy meanwhile, or it had none to give): read again.
 */
export function readThroughSeen<T>(db: Db, view: SeenView | null, read: () => T): { result: T } | null {
  try {
    const result = readingSeen(db, view, read)
    return view === null || view.stillValid() ? { result } : null
  } finally {
    view?.release()
  }
}

/** SQL for the `column` of the gold_devices row `alias` (with its slot) as gold holds it now. */
export const seenSql = (alias: string, column: 'last_seen' | 'minute_first_ts'): string =>
  `gold_device_seen(${alias}.slot, ${column === 'last_seen' ? LAST_SEEN : MINUTE_FIRST_TS}, ${alias}.${column})`
