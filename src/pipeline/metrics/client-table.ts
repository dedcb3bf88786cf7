// The heavy-user table: every known client with its throughput over (T - 5 min, T], the share of its main
// server, its devices and plan. Computed once per T; sorting, filtering and paging happen on the result.
import { compareBinary } from '../db/binary-order'
import type { Db } from '../db/open'
import type { ClientPage, ClientRow, ClientView } from '../../shared/api'
import { asOf } from './as-of'
import { clientUsageQuery } from './client-usage'
import { HEAVY_WINDOW_S } from './heavy-clients'
import { planClass } from './plan-class'

export function clientRowsQuery(db: Db) {
  // Each client's devices are counted in gold_clients (the live state keeps the count); the devices first
  // seen after T are few, and taken away afterwards.
  const clients = db.prepare<[number], ClientState>(
    `SELECT client, plan_mbps, last_seen, devices FROM gold_clients WHERE first_seen <= ?`,
  )
  const firstSeenAfter = db.prepare<[number], { client: string | null }>(
    `SELECT client FROM gold_devices WHERE first_seen > ?`,
  )
  // The server of each client without usage in the window (a JSON array in :clients): with max(), SQLite
  // takes the bare `server` from the device whose connect is the latest.
  const latestServers = db.prepare<{ clients: string; t: number }, { client: string; server: string | null }>(
    `SELECT c.value AS client, (
       SELECT server FROM (SELECT server, max(connect_ts) FROM gold_devices WHERE client = c.value AND first_seen <= :t)
     ) AS server
     FROM json_each(:clients) c`,
  )
  const usage = clientUsageQuery(db)

  // One read transaction: the statements see the same snapshot.
  const rowsAt = db.transaction((tMs: number, thresholdMbps: number): ClientRow[] => {
    const { sec } = asOf(tMs)
    const serverBytes = new Map<string, number>()
    const main = mainServers(usage.perClientServer(sec, HEAVY_WINDOW_S), serverBytes)
    const late = new Map<string, number>()
    for (const { client } of firstSeenAfter.all(tMs))
      if (client !== null) late.set(client, (late.get(client) ?? 0) + 1)
    const rows = clients.all(tMs)
    for (const c of rows) c.devices -= late.get(c.client) ?? 0
    const idle = rows.filter((c) => !main.has(c.client) && c.devices > 0).map((c) => c.client)
    const servers = new Map(
      latestServers.all({ clients: JSON.stringify(idle), t: tMs }).map((r) => [r.client, r.server]),
    )
    return rows.map((c) =>
      rowOf(c, main.get(c.client), servers.get(c.client) ?? null, serverBytes, tMs, thresholdMbps),
    )
  })
  return (tMs: number, thresholdMbps: number): ClientRow[] => rowsAt(tMs, thresholdMbps)
}

/** A client's main server in the window: the first (in SQLite's order) with the most bytes, and its total. */
interface MainServer {
  server: string
  bytes: number
  total: number
}

/**
 * Each client's main server, from its bytes per server in (client, server) order; `serverBytes`, when
 * given, gathers every server's bytes.
 */
function mainServers(
  usage: Iterable<{ client: string; server: string; bytes: number }>,
  serverBytes?: Map<string, number>,
): Map<string, MainServer> {
  const main = new Map<string, MainServer>()
  for (const u of usage) {
    serverBytes?.set(u.server, (serverBytes.get(u.server) ?? 0) + u.bytes)
    const m = main.get(u.client)
    if (!m) main.set(u.client, { server: u.server, bytes: u.bytes, total: u.bytes })
    else {
      m.total += u.bytes
      if (u.bytes > m.bytes) Object.assign(m, { server: u.server, bytes: u.bytes })
    }
  }
  return main
}

/** A row of the table, from the client's gold row and its usage in the window (none: `idleServer`'s). */
function rowOf(
  c: ClientState,
  m: MainServer | undefined,
  idleServer: string | null,
  serverBytes: ReadonlyMap<string, number>,
  tMs: number,
  thresholdMbps: number,
): ClientRow {
  const bps = ((m?.total ?? 0) * 8) / HEAVY_WINDOW_S
  const onServer = m ? serverBytes.get(m.server) : undefined
  return {
    client: c.client,
    server: m?.server ?? idleServer,
    bps,
    shareOfServer: m && onServer ? m.bytes / onServer : null,
    devices: c.devices,
    planMbps: c.plan_mbps,
    planClass: planClass(c.plan_mbps),
    lastSeen: Math.min(c.last_seen, tMs),
    heavy: bps >= thresholdMbps * 1e6,
  }
}

/** What a row takes from gold_clients, its devices less those first seen after T. */
interface ClientState {
  client: string
  plan_mbps: number | null
  last_seen: number
  devices: number
}

/**
 * The rows of the heavy clients alone at T, as clientRowsQuery gives them: what a view of the heavy ones
 * needs (pageOf keeps no other row of it). Summing the window for every client and server took 0.3 to 2 s
 * at 100,000 clients (docs/benchmarks.md); here the heavy ones are found from their minutes' totals
 * (usage.atLeast), their bytes per server summed by key seeks, and each server's bytes read from
 * gold_usage_second, which holds the same bytes (every sample is spread over the same seconds into both, and
 * retention takes whole minutes of both: retention.ts). Null for a threshold of 0, where every client is
 * heavy, even one with no usage: the whole table is the answer.
 */
export function heavyClientRowsQuery(db: Db) {
  const usage = clientUsageQuery(db)
  const serverBytesStmt = db
    .prepare<[number, number], [string, number]>(
      `SELECT server, sum(bytes_down + bytes_up) FROM gold_usage_second WHERE sec > ? AND sec <= ?
       GROUP BY server`,
    )
    .raw()
  const clientsStmt = db.prepare<{ clients: string; t: number }, ClientState>(
    `SELECT g.client, g.plan_mbps, g.last_seen, g.devices - (
         SELECT count(*) FROM gold_devices d WHERE d.client = g.client AND d.first_seen > :t) AS devices
     FROM json_each(:clients) c JOIN gold_clients g ON g.client = c.value WHERE g.first_seen <= :t`,
  )
  // One read transaction: the statements see the same snapshot.
  const rowsAt = db.transaction((tMs: number, thresholdMbps: number): ClientRow[] | null => {
    const { sec } = asOf(tMs)
    if (!(thresholdMbps > 0)) return null
    const heavy = usage.atLeast(sec, HEAVY_WINDOW_S, thresholdMbps * 1e6)
    const main = mainServers(usage.perServerOf(sec, HEAVY_WINDOW_S, heavy))
    const serverBytes = new Map(serverBytesStmt.all(sec - HEAVY_WINDOW_S, sec))
    return clientsStmt
      .all({ clients: JSON.stringify(heavy), t: tMs })
      .map((c) => rowOf(c, main.get(c.client), null, serverBytes, tMs, thresholdMbps))
      .filter((r) => r.heavy)
  })
  return (tMs: number, thresholdMbps: number): ClientRow[] | null => rowsAt(tMs, thresholdMbps)
}

type Comparable = string | number | null

type PageView = Required<Pick<ClientView, 'sort' | 'search' | 'heavyOnly'>> &
  Pick<ClientView, 'server' | 'planClass'>

// The last view of each rows array, filtered and sorted: scrolling asks for page after page of one view of
// the same rows, and sorting 100,000 rows costs a hundred times more than slicing a page out of them.
const sortedViews = new WeakMap<readonly ClientRow[], { key: string; kept: ClientRow[] }>()

/**
 * Filters, sorts and pages rows as the view asks; nulls sort last whatever the direction, ties go by
 * client. `rows` must not change once paged: the sorted view is kept for the next page.
 */
export function pageOf(
  rows: readonly ClientRow[],
  view: PageView,
  offset: number,
  limit: number,
): Omit<ClientPage, 'at' | 'thresholdMbps'> {
  const key = JSON.stringify([
    view.sort.column,
    view.sort.desc,
    view.search.trim().toLowerCase(),
    view.heavyOnly,
    view.server ?? null,
    view.planClass ?? null,
  ])
  let sorted = sortedViews.get(rows)
  if (sorted?.key !== key) {
    sorted = { key, kept: filterAndSort(rows, view) }
    sortedViews.set(rows, sorted)
  }
  return { total: sorted.kept.length, rows: sorted.kept.slice(offset, offset + limit) }
}

function filterAndSort(rows: readonly ClientRow[], view: PageView): ClientRow[] {
  const search = view.search.trim().toLowerCase()
  const kept = rows.filter(
    (r) =>
      (!view.heavyOnly || r.heavy) &&
      (!view.server || r.server === view.server) &&
      (!view.planClass || r.planClass === view.planClass) &&
      (search === '' ||
        r.client.toLowerCase().includes(search) ||
        (r.server ?? '').toLowerCase().includes(search)),
  )
  const { column, desc } = view.sort
  const sign = desc ? -1 : 1
  const value = (r: ClientRow): Comparable => r[column]
  // Text as SQL orders it (compareBinary), so that a page sorted here is the page the live state sorts.
  kept.sort((a, b) => {
    const x = value(a)
    const y = value(b)
    if (x === y) return compareBinary(a.client, b.client)
    if (x === null) return 1
    if (y === null) return -1
    if (typeof x === 'string' && typeof y === 'string') return compareBinary(x, y) * sign
    return (x < y ? -1 : 1) * sign
  })
  return kept
}
