// The heavy-user table at 100,000 clients, as VigiaService serves it. At the newest second the live state
// pages it in SQL (liveClientPageQuery), each page on its own. For a T it cannot answer (a past T, or a
// search) the rows are computed once for T (clientRowsQuery), then each page is filtered, sorted and sliced
// from them (pageOf), and a view already sorted is only sliced.
import { minutesOfSecondsSql } from '../src/pipeline/db/usage-parts'
import { liveClientPageQuery } from '../src/pipeline/metrics/client-page-live'
import { clientRowsQuery, heavyClientRowsQuery, pageOf } from '../src/pipeline/metrics/client-table'
import { clientUsageQuery, newestSecondQuery, windowParts } from '../src/pipeline/metrics/client-usage'
import { HEAVY_WINDOW_S } from '../src/pipeline/metrics/heavy-clients'
import type { ClientRow } from '../src/shared/api'
import { pipelineSettings } from '../src/shared/settings'
import { SIZES, type Mode } from './config'
import { openSilverDb } from './overview'
import { ceilingRow, fmt, median, repeat, type BenchResult } from './report'

const PAGE = 100
const HEAVY_FIRST = { sort: { column: 'bps' as const, desc: true }, search: '', heavyOnly: true }
const EVERY_CLIENT = { sort: { column: 'bps' as const, desc: true }, search: '', heavyOnly: false }
const HIGH_PLANS_BY_SHARE = {
  sort: { column: 'shareOfServer' as const, desc: true },
  search: 'client-1',
  heavyOnly: false,
  planClass: 'high' as const,
}

const LIVE_VIEWS = (server: string) => [
  { label: 'heavy users first', view: HEAVY_FIRST },
  {
    label: 'every client by share of server',
    view: { ...EVERY_CLIENT, sort: { column: 'shareOfServer' as const, desc: true } },
  },
  { label: 'by server', view: { ...EVERY_CLIENT, sort: { column: 'server' as const, desc: false } } },
  { label: `the clients of ${server} by b/s`, view: { ...EVERY_CLIENT, server } },
  {
    label: 'high plans by devices',
    view: { ...EVERY_CLIENT, sort: { column: 'devices' as const, desc: true }, planClass: 'high' as const },
  },
]

export async function clientTableBench(mode: Mode): Promise<BenchResult> {
  const db = openSilverDb(mode)
  const { heavyThresholdMbps } = pipelineSettings.parse({})
  const clientRows = clientRowsQuery(db.reader)
  const heavyRows = heavyClientRowsQuery(db.reader)
  const { queryRuns, queryBudgetS } = SIZES[mode]
  // At the newest second: the default view (heavy users first), and every client sorted or filtered by
  // another column; the row reports the slowest.
  const livePage = liveClientPageQuery(db.reader)
  const sec = db.at / 1000
  const firstServer = db.reader.prepare<[], string>('SELECT min(server) FROM gold_servers').pluck().get()
  const liveViews = LIVE_VIEWS(firstServer ?? '').map(({ label, view }) => {
    let total = 0
    const times = repeat(
      () => (total = livePage(sec, heavyThresholdMbps, view, 0, PAGE)!.total),
      queryRuns,
      queryBudgetS * 1000,
    )
    return { label, total, time: median(times), runs: times.length }
  })
  const slowest = liveViews.reduce((a, b) => (b.time > a.time ? b : a))
  let rows: ClientRow[] = []
  let heavy = 0
  let heavyFirst: ReturnType<typeof pageOf> | null = null
  // A new T, heavy users first, as the reader serves it: the heavy clients' rows alone, then the view
  // filtered and sorted.
  const firsts = repeat(
    () => {
      const ofHeavy = heavyRows(db.pastAt, heavyThresholdMbps)
      if (!ofHeavy) throw new Error('the heavy clients at the past T were left to the whole table')
      heavyFirst = pageOf(ofHeavy, HEAVY_FIRST, 0, PAGE)
      heavy = heavyFirst.total
    },
    queryRuns,
    queryBudgetS * 1000,
  )
  // Another view of a new T: every client's rows computed, then the view filtered and sorted.
  const fulls = repeat(
    () => (rows = clientRows(db.pastAt, heavyThresholdMbps)),
    Math.min(queryRuns, 5),
    queryBudgetS * 1000,
  )
  // The same first page either way.
  if (JSON.stringify(pageOf(rows, HEAVY_FIRST, 0, PAGE)) !== JSON.stringify(heavyFirst))
    throw new Error("the heavy clients' rows alone do not give the whole table's first page")
  // The rows cached: another sort and filter; then the next page of that view, only sliced.
  const resorts = repeat(
    () => pageOf(rows, HIGH_PLANS_BY_SHARE, 0, PAGE),
    queryRuns,
    queryBudgetS * 1000,
    () => pageOf(rows, HEAVY_FIRST, 0, PAGE),
  )
  const scrolls = repeat(() => pageOf(rows, HIGH_PLANS_BY_SHARE, PAGE, PAGE), queryRuns, queryBudgetS * 1000)
  // The largest part of a first computation, alone: the 5-minute usage per client and server.
  const usage = clientUsageQuery(db.reader)
  let pairs = 0
  const usages = repeat(
    () => (pairs = usage.perClientServer(Math.floor(db.pastAt / 1000), HEAVY_WINDOW_S).length),
    3,
    0,
  )
  // How many rows that 5-minute usage reads (the minutes inside the window, the seconds of its partial
  // minutes at the edges), and what only visiting them (counting) costs, beside summing them per pair.
  const past = Math.floor(db.pastAt / 1000)
  const parts = windowParts(past - HEAVY_WINDOW_S, past, newestSecondQuery(db.reader)())
  // The window's minute rows and the parts rows of its edges' seconds, (from, to], as `what` selects them.
  const inWindow = <R>(what: string, part: 'minutes' | 'seconds') =>
    db.reader.prepare<[number, number], R>(
      part === 'minutes'
        ? `SELECT ${what} FROM gold_client_usage_parts WHERE minute > ? AND minute <= ?`
        : `WITH r(a, b) AS (SELECT ?, ?) SELECT ${what.replace('bytes', 'usage_parts_sum(parts, minute, r.a, r.b)')}
           FROM r, gold_client_usage_parts WHERE ${minutesOfSecondsSql('r.a', 'r.b')}`,
    )
  const countMinutes = inWindow<number>('count(*)', 'minutes').pluck()
  const countSeconds = inWindow<number>('count(*)', 'seconds').pluck()
  let windowRows = { minutes: 0, seconds: 0 }
  const visits = repeat(
    () =>
      (windowRows = {
        minutes: countMinutes.get(parts.minutes.from, parts.minutes.to)!,
        seconds: parts.seconds.reduce((n, s) => n + countSeconds.get(s.from, s.to)!, 0),
      }),
    3,
    0,
  )
  // The same rows summed in JavaScript instead of SQLite's sorter: read as arrays, added up in a map per
  // client and server. What any plan that reads the window's rows pays, beside what SQL pays.
  type UsageRow = [client: string, server: string, bytes: number]
  const minuteRows = inWindow<UsageRow>('client, server, bytes', 'minutes').raw()
  const secondRows = inWindow<UsageRow>('client, server, bytes', 'seconds').raw()
  let hashPairs = 0
  const hashSums = repeat(
    () => {
      const sums = new Map<string, Map<string, number>>()
      const add = (rows: Iterable<UsageRow>, sign: number) => {
        for (const [client, server, bytes] of rows) {
          let ofClient = sums.get(client)
          if (!ofClient) sums.set(client, (ofClient = new Map()))
          ofClient.set(server, (ofClient.get(server) ?? 0) + sign * bytes)
        }
      }
      add(minuteRows.iterate(parts.minutes.from, parts.minutes.to), 1)
      for (const s of parts.seconds) add(secondRows.iterate(s.from, s.to), s.sign)
      hashPairs = 0
      for (const ofClient of sums.values()) for (const bytes of ofClient.values()) if (bytes > 0) hashPairs++
    },
    3,
    0,
  )
  if (hashPairs !== pairs) throw new Error(`JavaScript's sums gave ${hashPairs} pairs, SQL's ${pairs}`)
  db.reader.close()
  const runs = (times: number[]) => `median of ${times.length} runs`
  return {
    rows: [
      ceilingRow(
        `heavy-user table page at ${fmt.int(db.clients)} clients, at the newest second, slowest view`,
        slowest.time,
        100,
        fmt.ms,
        `the live state paged in SQL, median of ${slowest.runs} runs of each view: ${liveViews.map((v) => `${v.label} ${fmt.ms(v.time)} (${fmt.int(v.total)} rows)`).join(', ')}; ${fmt.int(db.events)} silver events`,
      ),
      ceilingRow(
        `heavy-user table page at ${fmt.int(rows.length)} clients, ${db.pastLabel}, first computation`,
        median(firsts),
        100,
        fmt.ms,
        `${runs(firsts)}: a T the live state cannot answer, heavy users first: heavyClientRowsQuery + pageOf(heavy only, by b/s) = ${fmt.int(heavy)} heavy clients, the page clientRowsQuery + pageOf give; another view of a new T computes every client's rows: ${fmt.ms(median(fulls))}`,
      ),
      ceilingRow(
        `heavy-user table page at ${fmt.int(rows.length)} clients, cached rows`,
        median(resorts),
        100,
        fmt.ms,
        `${runs(resorts)}: pageOf on the cached rows with a new sort (share of server) and filter (high plans, search); the next page of that view ${fmt.ms(median(scrolls))}`,
      ),
    ],
    details: [
      `Heavy-user table at ${fmt.int(rows.length)} clients ${db.pastLabel}, every client's rows: ${fmt.ms(median(fulls))}, of which the usage per client and server over 5 minutes ${fmt.ms(median(usages))} (${fmt.int(pairs)} pairs)`,
      `  its window's rows: ${fmt.int(windowRows.minutes)} of whole minutes and ${fmt.int(windowRows.seconds)} of the seconds at its edges; counting them alone takes ${fmt.ms(median(visits))}; summing them per pair in JavaScript instead of SQL, ${fmt.ms(median(hashSums))}`,
    ],
    peakRss: process.resourceUsage().maxRSS * 1024,
    engine: false,
  }
}
