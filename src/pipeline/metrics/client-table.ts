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
  const clients = db.prepare<
    [number],
    { client: string; plan_mbps: number | null; last_seen: number; devices: number }
  >(`SELECT client, plan_mbps, last_seen, devices FROM gold_clients WHERE first_seen <= ?`)
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
    const main = new Map<string, { server: string; bytes: number; total: number }>()
    for (const u of usage.perClientServer(sec, HEAVY_WINDOW_S)) {
      serverBytes.set(u.server, (serverBytes.get(u.server) ?? 0) + u.bytes)
      const m = main.get(u.client)
      if (!m) main.set(u.client, { server: u.server, bytes: u.bytes, total: u.bytes })
      else {
        m.total += u.bytes
        if (u.bytes > m.bytes) Object.assign(m, { server: u.server, bytes: u.bytes })
      }
    }
    const late = new Map<string, number>()
    for (const { client } of firstSeenAfter.all(tMs))
      if (client !== null) late.set(client, (late.get(client) ?? 0) + 1)
    const rows = clients.all(tMs)
    for (const c of rows) c.devices -= late.get(c.client) ?? 0
    const idle = rows.filter((c) => !main.has(c.client) && c.devices > 0).map((c) => c.client)
    const servers = new Map(
      latestServers.all({ clients: JSON.stringify(idle), t: tMs }).map((r) => [r.client, r.server]),
    )
    return rows.map((c) => {
      const m = main.get(c.client)
      const bps = ((m?.total ?? 0) * 8) / HEAVY_WINDOW_S
      const server = m?.server ?? servers.get(c.client) ?? null
      const onServer = m ? serverBytes.get(m.server) : undefined
      return {
        client: c.client,
        server,
        bps,
        shareOfServer: m && onServer ? m.bytes / onServer : null,
        devices: c.devices,
        planMbps: c.plan_mbps,
        planClass: planClass(c.plan_mbps),
        lastSeen: Math.min(c.last_seen, tMs),
        heavy: bps >= thresholdMbps * 1e6,
      }
    })
  })
  return (tMs: number, thresholdMbps: number): ClientRow[] => rowsAt(tMs, thresholdMbps)
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
