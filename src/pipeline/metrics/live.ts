// The live state gold keeps (src/pipeline/gold/live-state.ts) answers for a T near or after the newest second
// N folded into gold: the overview a user watches live. A live dashboard often asks at a second before N (the
// newest second is still filling): the live state still answers when what happened after T is little, up to
// RECENT_S seconds and RECENT_EVENTS events, taken back from silver (about 5 µs per event at 10 million
// events; the query for any T costs 130-170 ms there). The overview keeps to 1,000 events, a few
// milliseconds; the alert rules, which judge a minute as a flush first crosses it, take back more.
import type { Db } from '../db/open'
import { partsInSecondsSql } from '../db/usage-parts'
import { FOLDED_AFTER_SQL, everyType, foldedByGold } from '../silver/event-time'

/** How far before the newest second the live state still answers, in seconds. */
export const RECENT_S = 5

/** How many events after T the live state still takes back from silver. */
export const RECENT_EVENTS = 1000

/** The newest second the live state holds (gold_live's anchor N), or null when gold is empty. */
export function liveNewestSecondQuery(db: Db) {
  const stmt = db.prepare<[], { newest_sec: number }>('SELECT newest_sec FROM gold_live WHERE id = 1')
  return (): number | null => stmt.get()?.newest_sec ?? null
}

/**
 * The newest second in gold when the live state answers at T's second, else null. Metrics that read more
 * than one statement call it inside their read transaction. `recentEvents` bounds the events after T taken
 * back from silver: the overview's answers must stay within tens of milliseconds.
 */
export function liveAnchorQuery(db: Db, recentEvents = RECENT_EVENTS) {
  const newestLive = liveNewestSecondQuery(db)
  const eventsAfter = db.prepare<[number], { n: number }>(
    `SELECT count(*) AS n FROM (
       SELECT 1 FROM silver_events INDEXED BY silver_events_type_ts
       WHERE ${everyType()} AND ts > ? AND ${foldedByGold('id', 'ts')}
       LIMIT ${recentEvents + 1})`,
  )
  // Silver must still hold the events after T, up to gold's newest second (its retention, 30 days by default,
  // may have taken them from a file of old events while gold kept their devices' states).
  const foldedAfter = db.prepare<[number], { folded: number }>(FOLDED_AFTER_SQL)
  return (sec: number): number | null => {
    const anchor = newestLive()
    if (anchor === null || sec < anchor - RECENT_S) return null
    if (sec >= anchor) return anchor
    if (eventsAfter.get(sec * 1000)!.n > recentEvents) return null
    return foldedAfter.get((anchor - 1) * 1000)!.folded ? anchor : null
  }
}

/** The devices with an event after T (`:t`, epoch ms), as SQL: their state at T is read from silver. */
export const DEVICES_AFTER_T = `SELECT DISTINCT device FROM silver_events INDEXED BY silver_events_type_ts
  WHERE ${everyType()} AND ts > :t AND ${foldedByGold('id', 'ts')}`

/**
 * The second the overview reads its states at (connected devices and clients, distinct devices, heavy share,
 * top pairs) for T's second: T's own, unless the newest events in gold are at most RECENT_S seconds after T
 * but too many for the live state to take back (a busy live feed, the newest second still filling): then
 * the newest second, read from the live state in milliseconds rather than from silver in hundreds of them.
 */
export function statesSecondQuery(db: Db) {
  const newestLive = liveNewestSecondQuery(db)
  const liveAnchor = liveAnchorQuery(db)
  return (sec: number): number => {
    if (liveAnchor(sec) !== null) return sec
    const anchor = newestLive()
    return anchor !== null && sec < anchor && sec >= anchor - RECENT_S ? anchor : sec
  }
}

/**
 * What to take from a window's sums at N to get them at T (:sec), per key, as SQL over a per-second gold
 * table: the seconds (N - W, T - W] when T is after N; when T is before N, the seconds (T, N], less the
 * seconds (T - W, N - W] that the window at N has already left. :anchor is N.
 */
export function takenSql(table: string, keys: readonly string[], windowS: number): string {
  const k = keys.join(', ')
  return `SELECT ${k}, sum(bytes) AS bytes FROM (
      SELECT ${k}, bytes FROM ${table} WHERE sec > :anchor - ${windowS} AND sec <= :sec - ${windowS}
      UNION ALL SELECT ${k}, -bytes FROM ${table} WHERE sec > :sec - ${windowS} AND sec <= :anchor - ${windowS}
      UNION ALL SELECT ${k}, bytes FROM ${table} WHERE sec > :sec AND sec <= :anchor)
    GROUP BY ${k}`
}

/** takenSql over a client's usage per second, kept per minute (gold_client_usage_parts). */
export function takenPartsSql(keys: readonly string[], windowS: number): string {
  const k = keys.join(', ')
  const seconds = (from: string, to: string) => partsInSecondsSql('gold_client_usage_parts', k, from, to)
  return `SELECT ${k}, sum(bytes) AS bytes FROM (
      ${seconds(`:anchor - ${windowS}`, `:sec - ${windowS}`)}
      UNION ALL SELECT ${k}, -bytes FROM (${seconds(`:sec - ${windowS}`, `:anchor - ${windowS}`)})
      UNION ALL ${seconds(':sec', ':anchor')})
    GROUP BY ${k}`
}
