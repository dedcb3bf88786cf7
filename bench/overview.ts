// The metrics overview at the newest event of a database of 10 million silver events (1 million in quick
// mode), on a read-only connection as VigiaService reads it; each metric is also timed alone.
import { openDb, type Db } from '../src/pipeline/db/open'
import { asOf } from '../src/pipeline/metrics/as-of'
import { RECENT_EVENTS } from '../src/pipeline/metrics/live'
import { clientUsageQuery } from '../src/pipeline/metrics/client-usage'
import {
  connectedGroupsQuery,
  idleMsOf,
  type ConnectedGroup,
} from '../src/pipeline/metrics/connected-devices'
import { connectionsMetric } from '../src/pipeline/metrics/connections'
import { devicePairsMetric } from '../src/pipeline/metrics/device-pairs'
import { deviceTypesMetric } from '../src/pipeline/metrics/device-types'
import { distinctDevicesMetric } from '../src/pipeline/metrics/distinct-devices'
import { HEAVY_WINDOW_S, heavyClientsMetric } from '../src/pipeline/metrics/heavy-clients'
import { overviewQuery, TOP_PAIRS } from '../src/pipeline/metrics/overview'
import { serverUtilisationMetric } from '../src/pipeline/metrics/server-utilisation'
import { throughputMetric } from '../src/pipeline/metrics/throughput'
import { pipelineSettings, type PipelineSettings } from '../src/shared/settings'
import { SIZES, type Mode } from './config'
import { ceilingRow, fmt, median, percentile, repeat, type BenchResult } from './report'
import { silverDb, silverEventsAfter } from './silver-db'

const timed = (run: () => unknown): number => {
  const started = performance.now()
  run()
  return performance.now() - started
}

export interface SilverDbInfo {
  reader: Db
  /** "Now" for the metrics: the newest second, that of the newest event, from the live state. */
  at: number
  /**
   * The whole second before the newest event, as a live dashboard asks while the newest second is still
   * filling: with 20,000 events/s, too many events after it for the live state to take back.
   */
  busyAt: number
  /**
   * A minute earlier, as the overview page asks for its trends: answered without the live state. The quick
   * mode's database spans less than two minutes (50 s at 20,000 events/s): there, half-way back to its
   * oldest event, not before any data.
   */
  pastAt: number
  /** How it reads: "a minute earlier", or so many seconds. */
  pastLabel: string
  events: number
  devices: number
  clients: number
}

export function openSilverDb(mode: Mode): SilverDbInfo {
  const events = SIZES[mode].silverEvents
  const reader = openDb(silverDb(events).path, { readonly: true })
  const count = (sql: string) => (reader.prepare(sql).get() as { n: number }).n
  const newest = count('SELECT max(ts) AS n FROM silver_events')
  const oldest = count('SELECT min(ts) AS n FROM silver_events')
  const busyAt = Math.floor(newest / 1000) * 1000
  const back =
    busyAt - 120_000 >= oldest ? 60_000 : Math.max(1000, Math.floor((busyAt - oldest) / 2000) * 1000)
  return {
    reader,
    at: Math.ceil(newest / 1000) * 1000,
    busyAt,
    pastAt: busyAt - back,
    pastLabel: back === 60_000 ? 'a minute earlier' : `${back / 1000} s earlier`,
    events,
    devices: count('SELECT count(*) AS n FROM gold_devices'),
    clients: count('SELECT count(*) AS n FROM gold_clients'),
  }
}

/** Each metric of the overview alone, the way overviewQuery calls it: the median of 3 runs, in ms. */
function metricTimes(db: Db, at: number, settings: PipelineSettings, live: boolean): string[] {
  const { tMs, sec } = asOf(at)
  const idleMs = idleMsOf(settings.idleTimeoutMin)
  let connected: ConnectedGroup[] = []
  const connectedGroups = connectedGroupsQuery(db)
  const connections = connectionsMetric(db)
  const distinct = distinctDevicesMetric(db)
  const throughput = throughputMetric(db)
  const heavy = heavyClientsMetric(db)
  const usage = clientUsageQuery(db)
  const pairs = devicePairsMetric(db)
  const deviceTypes = deviceTypesMetric(db)
  const servers = serverUtilisationMetric(db)
  const parts: [string, () => unknown][] = [
    ['connected devices', () => (connected = connectedGroups(tMs, idleMs))],
    ['connections', () => connections(sec, connected, settings.idleTimeoutMin)],
    ['distinct devices', () => distinct(tMs, settings.distinctWindowMin)],
    ['throughput', () => throughput(sec, connected)],
    ['heavy clients', () => heavy(sec, idleMs, settings.heavyThresholdMbps)],
    ...(live
      ? []
      : ([
          [
            '  of which the clients at or above the threshold',
            () => usage.atLeast(sec, HEAVY_WINDOW_S, settings.heavyThresholdMbps * 1e6),
          ],
        ] as [string, () => unknown][])),
    ['top pairs', () => pairs(sec, TOP_PAIRS)],
    ['device types', () => deviceTypes(sec, connected)],
    ['server utilisation', () => servers(sec, connected, settings)],
  ]
  const lines = parts.map(([name, run]) => `${name}: ${fmt.ms(median([1, 2, 3].map(() => timed(run))))}`)
  const devices = connected.reduce((a, g) => a + g.devices, 0)
  return [...lines, `(${fmt.int(devices)} devices connected at T)`]
}

export async function overviewBench(mode: Mode): Promise<BenchResult> {
  const db = openSilverDb(mode)
  const settings = pipelineSettings.parse({})
  const overview = overviewQuery(db.reader)
  const { queryRuns, queryBudgetS } = SIZES[mode]
  const first = timed(() => overview(db.at, settings))
  const runs = repeat(() => overview(db.at, settings), queryRuns, queryBudgetS * 1000)
  const past = median([1, 2, 3].map(() => timed(() => overview(db.pastAt, settings))))
  const busy = repeat(() => overview(db.busyAt, settings), Math.min(queryRuns, 5), queryBudgetS * 1000)
  const eventsAfter = silverEventsAfter(db.reader, db.busyAt)
  const details = [
    `Overview at ${fmt.int(db.events)} silver events, each metric alone:`,
    ...metricTimes(db.reader, db.at, settings, true),
    `The same overview ${db.pastLabel} (the T of the overview page's trends), which the live state cannot answer: ${fmt.ms(past)} (median of 3); each metric alone:`,
    ...metricTimes(db.reader, db.pastAt, settings, false),
  ]
  db.reader.close()
  return {
    rows: [
      ceilingRow(
        `metrics overview query at ${fmt.int(db.events)} silver events, at the newest second (median)`,
        median(runs),
        50,
        fmt.ms,
        `${runs.length} runs after a first one, at the second of the newest event (the live state answers), read-only connection; first run ${fmt.ms(first)}, slowest ${fmt.ms(percentile(runs, 1))}; ${fmt.int(db.devices)} devices, ${fmt.int(db.clients)} clients`,
      ),
      ceilingRow(
        `metrics overview query at ${fmt.int(db.events)} silver events, a second before the newest (median)`,
        median(busy),
        50,
        fmt.ms,
        `${busy.length} runs at the whole second before the newest event, as a live dashboard asks while the newest second fills: ${fmt.int(eventsAfter)} events after T, more than the live state takes back from silver (${fmt.int(RECENT_EVENTS)}), so the states are read as of the newest second (Overview.statesAt), the rates at T`,
      ),
    ],
    details,
    peakRss: process.resourceUsage().maxRSS * 1024,
    engine: false,
  }
}
