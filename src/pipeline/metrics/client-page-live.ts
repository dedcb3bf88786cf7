// The heavy-user table at or after gold's newest second N, paged in SQL from the live state: each client's
// devices, window bytes, main and latest-connect servers at N in gold_clients, its bytes per server (for a T
// in the few seconds before N) in gold_live_client_servers for a client on more than one server, as its main
// server's bytes for the others. One statement
// filters, sorts and pages 100,000 clients; only the page's rows reach JavaScript. The rows and their order
// are those of clientRowsQuery + pageOf (a test holds the two to each other); a search is left to pageOf,
// whose case-insensitive match is JavaScript's.
import type { Db } from '../db/open'
import type { ClientPage, ClientRow, ClientSortColumn, ClientView } from '../../shared/api'
import { CLIENT_WINDOW_S, ON_ONE_SERVER_SQL } from '../gold/live-state'
import { liveAnchorQuery, takenPartsSql } from './live'
import { LOW_MAX_MBPS, MEDIUM_MAX_MBPS, planClass, type PlanClass } from './plan-class'

export type LivePageView = Required<Pick<ClientView, 'sort' | 'search' | 'heavyOnly'>> &
  Pick<ClientView, 'server' | 'planClass'>

const PLAN_CLASS = `CASE WHEN plan_mbps IS NULL THEN 'unknown' WHEN plan_mbps <= ${LOW_MAX_MBPS} THEN 'low'
  WHEN plan_mbps <= ${MEDIUM_MAX_MBPS} THEN 'medium' ELSE 'high' END`

// The sort columns, as the rows below name them.
const SORT_SQL: Record<ClientSortColumn, string> = {
  client: 'client',
  server: 'server',
  bps: 'bps',
  shareOfServer: 'share',
  devices: 'devices',
  planMbps: 'plan_mbps',
  lastSeen: 'last_seen',
}

// Each server's usage in the window at T (:sec).
const SERVER_BYTES_SQL = `SELECT server, sum(bytes_down + bytes_up) AS bytes FROM gold_usage_second
  WHERE sec > :sec - ${CLIENT_WINDOW_S} AND sec <= :sec GROUP BY server`

// A client's server: its main one when it has usage in the window, else that of its devices' latest connect
// (kept in gold_clients: no device connects after N).
const serverSql = (hasUsage: string, main: string) =>
  `CASE WHEN ${hasUsage} THEN ${main} WHEN c.devices > 0 THEN c.latest_server END`

// The rows at T (:sec) for N (:anchor): the window at T is the window at N less the seconds
// (N - 300 s, T - 300 s]. A client's server is the one carrying most of its bytes in the window (the first by
// id at a tie), else that of its devices' latest connect; its share is its bytes there over all the server's.
// `only` limits them to the clients of a JSON array (:clients).
const rowsSql = (only: boolean) => {
  const ofPage = (column: string) =>
    only ? `WHERE ${column} IN (SELECT value FROM json_each(:clients))` : ''
  return `
  WITH taken AS MATERIALIZED (${takenPartsSql(['client', 'server'], CLIENT_WINDOW_S)}),
  usage AS (
    SELECT u.client, u.server, u.bytes - coalesce(t.bytes, 0) AS bytes
    FROM gold_live_client_servers u LEFT JOIN taken t ON t.client = u.client AND t.server = u.server
    ${ofPage('u.client')}),
  single AS (
    SELECT c.client, c.main_server AS server, c.main_bytes - coalesce(t.bytes, 0) AS bytes
    FROM gold_clients c LEFT JOIN taken t ON t.client = c.client AND t.server = c.main_server
    WHERE ${ON_ONE_SERVER_SQL('c.')} ${only ? `AND c.client IN (SELECT value FROM json_each(:clients))` : ''}),
  main AS (
    SELECT client, server, max(bytes) AS bytes, sum(bytes) AS total FROM usage WHERE bytes > 0 GROUP BY client
    UNION ALL SELECT client, server, bytes, bytes FROM single WHERE bytes > 0),
  servers AS (${SERVER_BYTES_SQL}),
  rows AS (
    SELECT c.client, ${serverSql('m.client IS NOT NULL', 'm.server')} AS server,
      coalesce(m.total, 0) * 8.0 / ${CLIENT_WINDOW_S} AS bps,
      CASE WHEN s.bytes > 0 THEN m.bytes * 1.0 / s.bytes END AS share,
      c.devices, c.plan_mbps, min(c.last_seen, :sec * 1000) AS last_seen
    FROM gold_clients c LEFT JOIN main m ON m.client = c.client LEFT JOIN servers s ON s.server = m.server
    ${ofPage('c.client')})`
}

// The same rows at N itself (:sec = :anchor), from gold_clients alone: its main server and window are N's.
const ROWS_AT_N = `
  WITH servers AS (${SERVER_BYTES_SQL}),
  rows AS (
    SELECT c.client, ${serverSql('c.main_bytes > 0', 'c.main_server')} AS server,
      c.window_bytes * 8.0 / ${CLIENT_WINDOW_S} AS bps,
      CASE WHEN s.bytes > 0 THEN c.main_bytes * 1.0 / s.bytes END AS share,
      c.devices, c.plan_mbps, min(c.last_seen, :sec * 1000) AS last_seen
    FROM gold_clients c LEFT JOIN servers s ON s.server = c.main_server AND c.main_bytes > 0)`

// The same rows without their server and share, from gold_clients alone: its window bytes less the seconds
// taken are the sum over servers. Enough to filter, sort and page by any other column.
const PLAIN_ROWS = `
  WITH taken AS MATERIALIZED (${takenPartsSql(['client'], CLIENT_WINDOW_S)}),
  rows AS (
    SELECT c.client, (c.window_bytes - coalesce(t.bytes, 0)) * 8.0 / ${CLIENT_WINDOW_S} AS bps, c.devices,
      c.plan_mbps, min(c.last_seen, :sec * 1000) AS last_seen
    FROM gold_clients c LEFT JOIN taken t ON t.client = c.client)`

interface LiveRow {
  client: string
  server: string | null
  bps: number
  share: number | null
  devices: number
  plan_mbps: number | null
  last_seen: number
}

interface PageParams {
  anchor: number
  sec: number
  bps: number | null
  server: string | null
  planClass: PlanClass | null
  limit: number
  offset: number
}

export function liveClientPageQuery(db: Db) {
  const liveAnchor = liveAnchorQuery(db)
  const pages = new Map<string, ReturnType<typeof prepare>>()
  // Sorted and filtered by server or share, every client's server is needed; otherwise only the page's.
  const needsServers = (view: LivePageView) =>
    view.sort.column === 'server' || view.sort.column === 'shareOfServer' || Boolean(view.server)
  type Rows = 'plain' | 'at N' | 'at T'
  const ROWS: Record<Rows, string> = { plain: PLAIN_ROWS, 'at N': ROWS_AT_N, 'at T': rowsSql(false) }
  // The rows are counted by a statement of their own: a count(*) OVER () in the page's statement would make
  // SQLite sort every row, where ORDER BY ... LIMIT keeps only the page's (110 ms against 32 ms by share).
  const prepare = (column: ClientSortColumn, desc: boolean, rows: Rows) => {
    const plain = rows === 'plain'
    const c = SORT_SQL[column]
    // Nulls last whichever the direction, ties by client, as pageOf sorts.
    const order =
      column === 'client'
        ? `client ${desc ? 'DESC' : ''}`
        : `${c} IS NULL, ${c} ${desc ? 'DESC' : ''}, client`
    const filtered = `${ROWS[rows]} SELECT * FROM rows
       WHERE (:bps IS NULL OR bps >= :bps) AND ${plain ? '' : '(:server IS NULL OR server = :server) AND'}
         (:planClass IS NULL OR ${PLAN_CLASS} = :planClass)`
    return {
      page: db.prepare<PageParams, LiveRow>(`${filtered} ORDER BY ${order} LIMIT :limit OFFSET :offset`),
      count: db
        .prepare<Omit<PageParams, 'limit' | 'offset'>, number>(`SELECT count(*) FROM (${filtered})`)
        .pluck(),
    }
  }
  const pageRows = db.prepare<{ anchor: number; sec: number; clients: string }, LiveRow>(
    `${rowsSql(true)} SELECT * FROM rows`,
  )
  const statements = (column: ClientSortColumn, desc: boolean, rows: Rows) => {
    const key = `${column}:${desc}:${rows}`
    let stmt = pages.get(key)
    if (!stmt) pages.set(key, (stmt = prepare(column, desc, rows)))
    return stmt
  }

  /**
   * A page of the table at T's second `sec`, or null when the live state cannot give it (T before N, or a
   * search): then clientRowsQuery and pageOf do.
   */
  const pageAt = db.transaction(
    (
      sec: number,
      thresholdMbps: number,
      view: LivePageView,
      offset: number,
      limit: number,
    ): Omit<ClientPage, 'at' | 'thresholdMbps'> | null => {
      const anchor = liveAnchor(sec)
      if (anchor === null || sec < anchor || view.search.trim() !== '') return null
      const heavyBps = thresholdMbps * 1e6
      const plain = !needsServers(view)
      const stmt = statements(
        view.sort.column,
        view.sort.desc,
        plain ? 'plain' : sec === anchor ? 'at N' : 'at T',
      )
      const params = {
        anchor,
        sec,
        bps: view.heavyOnly ? heavyBps : null,
        // As pageOf: an empty server or plan class filters nothing.
        server: plain ? null : view.server || null,
        planClass: view.planClass || null,
        limit,
        offset,
      }
      let rows = stmt.page.all(params)
      const { limit: _limit, offset: _offset, ...filter } = params
      const total = stmt.count.get(filter) ?? 0
      if (plain && rows.length > 0) {
        const full = new Map(
          pageRows
            .all({ anchor, sec, clients: JSON.stringify(rows.map((r) => r.client)) })
            .map((r) => [r.client, r]),
        )
        rows = rows.map((r) => full.get(r.client)!)
      }
      return {
        total,
        rows: rows.map((r): ClientRow => ({
          client: r.client,
          server: r.server,
          bps: r.bps,
          shareOfServer: r.share,
          devices: r.devices,
          planMbps: r.plan_mbps,
          planClass: planClass(r.plan_mbps),
          lastSeen: r.last_seen,
          heavy: r.bps >= heavyBps,
        })),
      }
    },
  )
  return (
    sec: number,
    thresholdMbps: number,
    view: LivePageView,
    offset: number,
    limit: number,
  ): Omit<ClientPage, 'at' | 'thresholdMbps'> | null => pageAt(sec, thresholdMbps, view, offset, limit)
}
