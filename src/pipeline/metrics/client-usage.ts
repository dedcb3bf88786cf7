// Bytes per client over a window of whole seconds (T - W, T]. The whole minutes inside the window are read
// as their totals (gold_client_usage_parts.bytes); only the partial minutes at its edges need their seconds,
// from the minute's parts (db/usage-parts.ts). A partial minute is read either as its seconds
// inside the window, or as the whole minute minus its seconds outside the window, whichever covers fewer
// seconds that can hold data: no second after the newest event does, so at the newest event the minute
// still being filled is read whole. Sums of integers, so the answer is exactly the seconds' sum.
import type { Db } from '../db/open'
import { minutesOfSecondsSql, partsInSecondsSql } from '../db/usage-parts'
import { unsealedFrom } from '../gold/client-minutes'
import { CLIENT_WINDOW_S } from '../gold/live-state'
import { RECENT_S, liveNewestSecondQuery, takenPartsSql } from './live'

/** Seconds `from < sec <= to`, added (sign 1) or taken away (sign -1). */
export interface SecondRange {
  sign: 1 | -1
  from: number
  to: number
}

/** Minutes `from < minute <= to`, and the seconds to add or take away at the edges. */
export interface WindowParts {
  minutes: { from: number; to: number }
  seconds: [SecondRange, SecondRange]
}

const NONE: SecondRange = { sign: 1, from: 0, to: 0 }

/**
 * How to read the seconds `fromSec < sec <= toSec` from minutes and seconds. `newestSec` is the second of
 * the newest event in gold (null when gold has none): seconds after it hold no rows, so they cost nothing
 * and are left out of the ranges.
 */
export function windowParts(fromSec: number, toSec: number, newestSec: number | null): WindowParts {
  // Seconds of (from, to] that can hold rows.
  const cost = (from: number, to: number) =>
    newestSec === null ? 0 : Math.max(0, Math.min(to, newestSec) - from)
  const range = (sign: 1 | -1, from: number, to: number): SecondRange => ({
    sign,
    from,
    to: newestSec === null ? to : Math.max(from, Math.min(to, newestSec)),
  })
  const first = Math.floor(fromSec / 60) + 1 // the minute holding second fromSec + 1
  const last = Math.ceil(toSec / 60)
  if (first === last) {
    // Inside one minute: its seconds, or the minute less the seconds on both sides.
    const outside = cost((first - 1) * 60, fromSec) + cost(toSec, last * 60)
    if (cost(fromSec, toSec) <= outside)
      return { minutes: { from: 0, to: 0 }, seconds: [range(1, fromSec, toSec), NONE] }
    return {
      minutes: { from: first - 1, to: first },
      seconds: [range(-1, (first - 1) * 60, fromSec), range(-1, toSec, last * 60)],
    }
  }
  let minutesFrom = first - 1
  let minutesTo = last
  let lead = NONE
  let trail = NONE
  if (fromSec !== (first - 1) * 60) {
    if (cost(fromSec, first * 60) <= cost((first - 1) * 60, fromSec)) {
      lead = range(1, fromSec, first * 60)
      minutesFrom = first
    } else lead = range(-1, (first - 1) * 60, fromSec)
  }
  if (toSec !== last * 60) {
    if (cost((last - 1) * 60, toSec) <= cost(toSec, last * 60)) {
      trail = range(1, (last - 1) * 60, toSec)
      minutesTo = last - 1
    } else trail = range(-1, toSec, last * 60)
  }
  return { minutes: { from: minutesFrom, to: minutesTo }, seconds: [lead, trail] }
}

interface WindowParams {
  m0: number
  m1: number
  s1: number
  a1: number
  b1: number
  s2: number
  a2: number
  b2: number
}

function windowParams({ minutes, seconds: [lead, trail] }: WindowParts): WindowParams {
  return {
    m0: minutes.from,
    m1: minutes.to,
    s1: lead.sign,
    a1: lead.from,
    b1: lead.to,
    s2: trail.sign,
    a2: trail.from,
    b2: trail.to,
  }
}

// The rows of a window, as its parts say: the minutes, then the two edges, signed (each edge lies in one
// minute: its rows' parts).
const WINDOW_ROWS = `
  SELECT client, server, bytes FROM gold_client_usage_parts WHERE minute > :m0 AND minute <= :m1
  UNION ALL
  SELECT client, server, :s1 * bytes FROM (${partsInSecondsSql('gold_client_usage_parts', 'client, server', ':a1', ':b1')})
  UNION ALL
  SELECT client, server, :s2 * bytes FROM (${partsInSecondsSql('gold_client_usage_parts', 'client, server', ':a2', ':b2')})`

// An edge's bytes of client c.value (and server u.server), as SQL: a key seek into its minute's parts. An
// edge lies in one minute: named by an equality, (minute, client) is a seek, where a range of minutes (even
// of one) made SQLite read every row of the minute for each client (324 ms for 14 clients of 90,000).
const edgeMinute = (a: string, b: string) =>
  `${minutesOfSecondsSql(a, b, 'u.minute')} AND u.minute = CAST((${a} + 60) / 60 AS INTEGER)`
const edgeOf = (a: string, b: string) => `FROM gold_client_usage_parts u
  WHERE ${a} < ${b} AND ${edgeMinute(a, b)} AND u.client = c.value`
const edgeBytes = (a: string, b: string) => `usage_parts_sum(u.parts, u.minute, ${a}, ${b})`

// The same sums for a few clients (a JSON array in :clients), by key seeks: one per minute of the window
// parts and client. CROSS JOIN keeps the list of minutes as the outer loop.
const FEW_CLIENTS = `
  WITH RECURSIVE
    minutes(minute) AS (SELECT :m0 + 1 WHERE :m0 < :m1 UNION ALL SELECT minute + 1 FROM minutes WHERE minute < :m1)
  SELECT c.value AS client,
    (SELECT coalesce(sum(u.bytes), 0) FROM minutes CROSS JOIN gold_client_usage_parts u
     ON u.minute = minutes.minute AND u.client = c.value)
    + :s1 * (SELECT coalesce(sum(${edgeBytes(':a1', ':b1')}), 0) ${edgeOf(':a1', ':b1')})
    + :s2 * (SELECT coalesce(sum(${edgeBytes(':a2', ':b2')}), 0) ${edgeOf(':a2', ':b2')}) AS bytes
  FROM json_each(:clients) c`

// The same sums per client and server, for a few clients, by the same key seeks; in (client, server) order,
// SQLite's, so that a caller taking the first server with the most bytes breaks a tie as gold_clients does.
const FEW_CLIENTS_PER_SERVER = `
  WITH RECURSIVE
    minutes(minute) AS (SELECT :m0 + 1 WHERE :m0 < :m1 UNION ALL SELECT minute + 1 FROM minutes WHERE minute < :m1)
  SELECT client, server, sum(bytes) AS bytes FROM (
    SELECT u.client, u.server, u.bytes FROM json_each(:clients) c CROSS JOIN minutes
      CROSS JOIN gold_client_usage_parts u ON u.minute = minutes.minute AND u.client = c.value
    UNION ALL
    SELECT u.client, u.server, :s1 * ${edgeBytes(':a1', ':b1')} FROM json_each(:clients) c CROSS JOIN gold_client_usage_parts u
      ON :a1 < :b1 AND ${edgeMinute(':a1', ':b1')} AND u.client = c.value
    UNION ALL
    SELECT u.client, u.server, :s2 * ${edgeBytes(':a2', ':b2')} FROM json_each(:clients) c CROSS JOIN gold_client_usage_parts u
      ON :a2 < :b2 AND ${edgeMinute(':a2', ':b2')} AND u.client = c.value)
  GROUP BY client, server HAVING sum(bytes) > 0 ORDER BY client, server`

/** The newest second in gold: every event is counted in one of these three tables, each a key seek. */
export function newestSecondQuery(db: Db) {
  const stmt = db.prepare<[], { sec: number | null }>(
    `SELECT max(sec) AS sec FROM (
       SELECT max(sec) AS sec FROM gold_conn_second
       UNION ALL SELECT max(sec) FROM gold_usage_second
       UNION ALL SELECT max(sec) FROM gold_flow_second)`,
  )
  return (): number | null => stmt.get()?.sec ?? null
}

/**
 * Usage per client (and server) over (T - W, T], in bytes. Clients (and servers) without bytes in the window
 * are left out, including those whose only usage events in it carried 0 bytes.
 */
export function clientUsageQuery(db: Db) {
  const newest = newestSecondQuery(db)
  const perClientServer = db.prepare<WindowParams, { client: string; server: string; bytes: number }>(
    `SELECT client, server, sum(bytes) AS bytes FROM (${WINDOW_ROWS})
     GROUP BY client, server HAVING sum(bytes) > 0`,
  )
  // The clients with :least bytes or more in one of the minutes from < minute <= to: for the minutes
  // before :unsealed, index seeks into each minute's largest totals (gold_client_minutes); the minute still
  // being filled, if the window reaches it, grouped from its rows.
  const busyInAMinute = db.prepare<
    { from: number; to: number; unsealed: number; least: number },
    { client: string }
  >(
    `WITH RECURSIVE
       m(minute) AS (
         SELECT :from + 1 WHERE :from + 1 <= min(:to, :unsealed - 1)
         UNION ALL SELECT minute + 1 FROM m WHERE minute + 1 <= min(:to, :unsealed - 1))
     SELECT a.client FROM m CROSS JOIN gold_client_minutes a ON a.minute = m.minute AND a.bytes >= :least
     UNION
     SELECT client FROM gold_client_usage_parts WHERE minute > max(:from, :unsealed - 1) AND minute <= :to
     GROUP BY minute, client HAVING sum(bytes) >= :least`,
  )
  const fewClients = db.prepare<WindowParams & { clients: string }, { client: string; bytes: number }>(
    FEW_CLIENTS,
  )
  // Near gold's newest second N, the live state holds each client's bytes in (N - 300 s, N]
  // (gold_clients.window_bytes): one pass over gold_clients, less what the few seconds between T and N take,
  // instead of five minutes of rows of every client. That is the minute the alert rules judge, on the
  // engine's thread, as a live feed crosses it: 253 -> 48-78 ms at 100,000 clients
  // (bench/alert-minute-live.ts). The answer is exact for any T; near N it is the cheaper one.
  const newestLive = liveNewestSecondQuery(db)
  const liveAtLeast = db.prepare<{ anchor: number; sec: number; bps: number }, { client: string }>(
    `WITH taken AS MATERIALIZED (${takenPartsSql(['client'], CLIENT_WINDOW_S)})
     SELECT client FROM (
       SELECT c.client, c.window_bytes - coalesce(e.bytes, 0) AS bytes
       FROM gold_clients c LEFT JOIN taken e ON e.client = c.client)
     WHERE bytes > 0 AND bytes * 8.0 / ${CLIENT_WINDOW_S} >= :bps`,
  )
  const fewClientsPerServer = db.prepare<
    WindowParams & { clients: string },
    { client: string; server: string; bytes: number }
  >(FEW_CLIENTS_PER_SERVER)
  const parts = (sec: number, windowS: number) => windowParts(sec - windowS, sec, newest())

  // One read transaction: the anchor and the window read from the same snapshot.
  const atLeast = db.transaction((sec: number, windowS: number, bps: number): string[] => {
    const n = newestLive()
    if (windowS === CLIENT_WINDOW_S && n !== null && Math.abs(sec - n) <= RECENT_S)
      return liveAtLeast.all({ anchor: n, sec, bps }).map((c) => c.client)
    const from = sec - windowS
    const rate = (bytes: number) => (bytes * 8) / windowS
    const touchedFrom = Math.floor(from / 60)
    const touchedTo = Math.ceil(sec / 60)
    // A client's bytes in the window are at most its bytes in the minutes the window touches (bytes are
    // never negative), so one of those minutes holds at least their share of bytes * 8 / W >= bps: the
    // clients with such a minute, a few hundred of 100,000, are summed exactly.
    const least = Math.max(0, Math.floor((bps * windowS) / 8 / (touchedTo - touchedFrom)))
    const candidates = busyInAMinute
      .all({ from: touchedFrom, to: touchedTo, unsealed: unsealedFrom(n), least })
      .map((c) => c.client)
    if (candidates.length === 0) return []
    const exact = fewClients.all({
      ...windowParams(parts(sec, windowS)),
      clients: JSON.stringify(candidates),
    })
    return exact.filter((c) => c.bytes > 0 && rate(c.bytes) >= bps).map((c) => c.client)
  })

  return {
    /** Bytes per client and server. */
    perClientServer: (sec: number, windowS: number) => perClientServer.all(windowParams(parts(sec, windowS))),
    /**
     * Bytes per client and server, for the clients named, in (client, server) order: key seeks, for a few
     * clients of many.
     */
    perServerOf: (sec: number, windowS: number, clients: readonly string[]) =>
      clients.length === 0
        ? []
        : fewClientsPerServer.all({ ...windowParams(parts(sec, windowS)), clients: JSON.stringify(clients) }),
    /**
     * The clients whose bytes * 8 / W are at or above `bps` (more than 0). Within RECENT_S of the newest
     * second, from the live state's window; else the clients with a minute of at least their share of
     * those bytes, found by index seeks (gold_client_minutes), are summed exactly by key seeks, instead of
     * reading the window's rows for every client.
     */
    atLeast: (sec: number, windowS: number, bps: number): string[] => atLeast(sec, windowS, bps),
  }
}
