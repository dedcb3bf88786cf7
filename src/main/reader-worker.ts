// The reader's thread: every read the UI makes runs here, on its own read-only connection, so an overview
// of a large database (seconds) never stalls the ingestion endpoint on the main thread.
import { basename } from 'node:path'
import { workerData } from 'node:worker_threads'
import { alertQueries } from '../pipeline/alerts/alert-store'
import { openDb } from '../pipeline/db/open'
import { ImportHistory } from '../pipeline/importers/import-history'
import { hasDemoDataQuery } from '../pipeline/landing/demo-data'
import { listInventory } from '../pipeline/inventory'
import { liveClientPageQuery } from '../pipeline/metrics/client-page-live'
import { clientRowsQuery, heavyClientRowsQuery, pageOf } from '../pipeline/metrics/client-table'
import { statesSecondQuery } from '../pipeline/metrics/live'
import { connectedHistoryQuery } from '../pipeline/metrics/connected-history'
import { overviewQuery } from '../pipeline/metrics/overview'
import { seriesQuery } from '../pipeline/metrics/series'
import { layerSizes } from '../pipeline/retention'
import { retentionStatusQuery } from '../pipeline/retention-status'
import { GOLD_WATERMARK_SQL } from '../pipeline/silver/event-time'
import { GOLD_EPOCH_SQL } from '../pipeline/gold/gold-epoch'
import { SharedClients, type ClientsView } from '../pipeline/gold/shared-clients'
import { SharedSeen, seenViewOf } from '../pipeline/gold/shared-seen'
import { SEEN_BEHIND_SQL } from '../pipeline/gold/seen-marker'
import { replayedSeenView } from '../pipeline/gold/seen-replay'
import { readThroughSeen } from '../pipeline/db/device-seen'
import { goldChannel, type GoldBroadcast } from './gold-broadcast'
import { listQuarantine } from '../pipeline/silver/quarantine'
import type { ClientRow, ClientView, StatusDto } from '../shared/api'
import { currentSecond } from '../shared/instant'
import type { ReaderRequests, ReaderWorkerData } from './reader-protocol'
import { logMemoryIfAsked } from './memory-log'
import { openOrExit, serveRequests } from './worker-dispatcher'

const LAYERS_EVERY_MS = 60_000
const LIVE_SLACK_MS = 15_000
const LIVE_REUSE_S = 5

const { dbPath, sharedClients = false } = workerData as ReaderWorkerData
const db = openOrExit(() => openDb(dbPath, { readonly: true }))
logMemoryIfAsked('reader')

// The clients' rows (the reads' lane) and the devices' last seen (every lane) in the memory gold's thread
// shares (shared-clients.ts, shared-seen.ts), with the clients' names by message (gold-broadcast.ts); those
// of the read transaction under way when they are (asOfGold): else the metrics read them in SQL.
const shared = sharedClients ? new SharedClients() : null
const seen = new SharedSeen()
const channel = goldChannel(dbPath, (message) => {
  if (message.kind === 'devices-shared') seen.attach(message.buffers)
  else if (message.kind === 'clients-shared') shared?.attach(message.buffers)
  else if (message.kind === 'client-names' && shared && !shared.addNames(message.names)) hello()
})
const hello = () => channel.postMessage({ kind: 'hello' } satisfies GoldBroadcast)
hello()
let clientsNow: ClientsView | null = null

const overviewAt = overviewQuery(db, () => clientsNow)
const connectedAt = connectedHistoryQuery(db)
const seriesOf = seriesQuery(db)
const clientRowsAt = clientRowsQuery(db)
const heavyRowsAt = heavyClientRowsQuery(db)
const liveClientPage = liveClientPageQuery(db)
const statesSecond = statesSecondQuery(db)
const retentionStatus = retentionStatusQuery(db)
const history = new ImportHistory(db)
const alerts = alertQueries(db)
const hasDemo = hasDemoDataQuery(db)
const silverEmpty = db.prepare<[], { empty: number }>(
  'SELECT NOT EXISTS (SELECT 1 FROM silver_events) AS empty',
)

// Metrics read gold and correct it with the silver rows gold has folded (silver/event-time.ts, foldedByGold).
// Each read of them is one read transaction whose first statement reads gold's file alone: the snapshot of
// silver, taken after it, then holds every row gold has folded, even if gold folds meanwhile.
const goldFirst = db.prepare<[], { watermark: number; epoch: number; behind: number }>(
  `SELECT ${GOLD_WATERMARK_SQL} AS watermark, ${GOLD_EPOCH_SQL} AS epoch, ${SEEN_BEHIND_SQL} AS behind`,
)
/** Reads that found gold's shared memory of another gold before one reads through a replay instead. */
const SEEN_ATTEMPTS = 10
const SEEN_RETRY_MS = 20
const asOfGold =
  <A extends unknown[], R>(read: (...args: A) => R) =>
  async (...args: A): Promise<R> => {
    // The devices' last seen: from gold's shared memory when it holds the read transaction's gold; from the
    // rows when they are whole; else, if the read asked for one (gold committed between the two, or while
    // they were read), once more a little later, and in the end replayed from silver (seen-replay.ts).
    const once = (lastTry: boolean) =>
      db.transaction(() => {
        const { watermark, epoch, behind } = goldFirst.get()!
        const view = lastTry
          ? behind >= 0
            ? replayedSeenView(db)
            : null
          : seenViewOf(seen.open(epoch, watermark), behind)
        clientsNow = shared?.open(epoch, watermark) ?? null
        try {
          return readThroughSeen(db, view, () => read(...args))
        } finally {
          clientsNow = null
        }
      })()
    for (let attempt = 1; attempt < SEEN_ATTEMPTS; attempt++) {
      const answer = once(false)
      if (answer) return answer.result
      await new Promise((resolve) => setTimeout(resolve, SEEN_RETRY_MS))
    }
    return once(true)!.result
  }

type ClientRowsAt = { sec: number; rows: ClientRow[]; thresholdMbps: number }
let clientCache: ClientRowsAt | null = null
/** The heavy clients' rows alone, for views of the heavy ones until every row of that T is computed. */
let heavyCache: ClientRowsAt | null = null
let layerCache: { at: number; layers: StatusDto['layers'] } | null = null

/**
 * Paging and re-sorting reuse the rows: 100,000 clients are computed once per second and heavy threshold
 * asked for, and in live mode (T close to now) at most every few seconds; the page says which T it shows.
 * A view of the heavy clients alone takes their rows alone (heavyClientRowsQuery), a few hundred where the
 * whole table is 100,000.
 */
function clientRows(at: number | undefined, thresholdMbps: number, heavyOnly = false): ClientRowsAt {
  const sec = (at ?? currentSecond()) / 1000
  const live = sec * 1000 > Date.now() - LIVE_SLACK_MS
  const fresh = (cached: ClientRowsAt | null): cached is ClientRowsAt =>
    cached !== null &&
    cached.thresholdMbps === thresholdMbps &&
    (cached.sec === sec || (live && sec >= cached.sec && sec - cached.sec < LIVE_REUSE_S))
  if (fresh(clientCache)) return clientCache
  if (heavyOnly) {
    if (fresh(heavyCache)) return heavyCache
    const rows = heavyRowsAt(sec * 1000, thresholdMbps)
    if (rows) return (heavyCache = { sec, rows, thresholdMbps })
  }
  clientCache = { sec, rows: clientRowsAt(sec * 1000, thresholdMbps), thresholdMbps }
  return clientCache
}

const viewOf = (view: ClientView) => ({
  sort: view.sort ?? { column: 'bps' as const, desc: true },
  search: view.search ?? '',
  heavyOnly: view.heavyOnly ?? false,
  server: view.server,
  planClass: view.planClass,
})

serveRequests<ReaderRequests>({
  overview: asOfGold((at, settings, settleUsage) => overviewAt(at, settings, settleUsage)),
  connected: asOfGold((times, settings) => connectedAt(times, settings)),
  series: (from, to, server, stepMs) => seriesOf(from, to, server, stepMs),
  clientPage: asOfGold((args, thresholdMbps) => {
    // At the newest second (or, in a busy live feed, as of it) the live state pages the table in SQL.
    const sec = statesSecond((args.at ?? currentSecond()) / 1000)
    const live = liveClientPage(sec, thresholdMbps, viewOf(args), args.offset, args.limit)
    if (live) return { at: sec * 1000, thresholdMbps, ...live }
    const view = viewOf(args)
    const rows = clientRows(args.at, thresholdMbps, view.heavyOnly)
    const page = pageOf(rows.rows, view, args.offset, args.limit)
    return { at: rows.sec * 1000, thresholdMbps: rows.thresholdMbps, ...page }
  }),
  clientRowsFor: asOfGold((view, thresholdMbps) => {
    const { rows } = clientRows(view.at, thresholdMbps)
    return pageOf(rows, viewOf(view), 0, rows.length).rows
  }),
  importHistory: (limit) =>
    history.list(limit).map((r) => ({
      id: r.id,
      path: basename(r.path),
      size: r.size,
      format: r.format,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      status: r.status,
      records: r.records,
      accepted: r.accepted,
      duplicates: r.duplicates,
      quarantined: r.quarantined,
      error: r.error,
    })),
  quarantine: (options) => listQuarantine(db, options),
  alertsList: (recent) => alerts.list(recent),
  alertDetail: (id) => {
    const alert = alerts.get(id)
    return alert ? { alert, log: alerts.log(id), evidence: alerts.evidence(alert) } : null
  },
  inventory: () => listInventory(db),
  layers: () => {
    const now = Date.now()
    if (!layerCache || now - layerCache.at > LAYERS_EVERY_MS) layerCache = { at: now, layers: layerSizes(db) }
    return layerCache.layers
  },
  hasDemoData: () => hasDemo(),
  retentionStatus: (days, now) => retentionStatus(days, now),
  silverEmpty: () => silverEmpty.get()?.empty === 1,
})
