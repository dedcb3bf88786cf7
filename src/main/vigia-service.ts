// Everything Vigia runs besides its window: the engine worker, the ingestion endpoint, the demo feed and a
// read-only connection for the metrics. The desktop app and the headless `serve` mode both start this.
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { rm } from 'node:fs/promises'
import { basename } from 'node:path'
import { openDb, type Db } from '../pipeline/db/open'
import type { IncomingFrame } from '../pipeline/engine'
import { alertQueries } from '../pipeline/alerts/alert-store'
import { planNotifications, type NotifiableAlert } from '../pipeline/alerts/notification-plan'
import { ImportHistory } from '../pipeline/importers/import-history'
import { clientRowsQuery, pageOf } from '../pipeline/metrics/client-table'
import { overviewQuery } from '../pipeline/metrics/overview'
import { seriesQuery } from '../pipeline/metrics/series'
import { layerSizes } from '../pipeline/retention'
import { listQuarantine } from '../pipeline/silver/quarantine'
import type {
  ApiArgs,
  ClientPage,
  ClientRow,
  ImportRecordDto,
  PushEvent,
  Series,
  StatusDto,
} from '../shared/api'
import type { AlertDto } from '../shared/alerts'
import type { Overview } from '../shared/metrics'
import { DemoFeed } from './demo-feed'
import { EngineHost } from './engine-host'
import { IngestServer, type IngestServerOptions } from './ingest-server'

export interface ServiceOptions {
  dbPath: string
  ingest: IngestServerOptions
  /** 'auto' starts the demo feed when the database holds no events yet. */
  demo: 'auto' | 'on' | 'off'
  mode?: StatusDto['mode']
}

// Pushes are throttled: the UI hears "something changed" a few times a second at most.
const CHANGED_EVERY_MS = 250
const LAYERS_EVERY_MS = 60_000
const NOTIFY_EVERY_MS = 10_000
const LIVE_SLACK_MS = 15_000
const LIVE_REUSE_S = 5

function notifiable(a: AlertDto): NotifiableAlert {
  const target = a.rule === 'heavy-user' ? `#/alerts/${a.id}` : `#/servers/${encodeURIComponent(a.subject)}`
  return {
    id: a.id,
    title:
      a.rule === 'heavy-user'
        ? `Heavy user ${a.subject}`
        : a.rule === 'upgrade-recommended'
          ? `Upgrade ${a.subject}`
          : `Server ${a.subject} overloaded`,
    body: a.summary,
    target,
    historical: a.historical,
    acked: a.ackedAt !== null,
    silencedUntil: a.silencedUntil,
    notifyCount: a.notifyCount,
    lastNotifiedAt: a.lastNotifiedAt,
  }
}

export class VigiaService extends EventEmitter<{ push: [PushEvent] }> {
  private readonly overviewAt: ReturnType<typeof overviewQuery>
  private readonly seriesOf: ReturnType<typeof seriesQuery>
  private readonly clientRows: ReturnType<typeof clientRowsQuery>
  private readonly history: ImportHistory
  readonly alerts: ReturnType<typeof alertQueries>
  private readonly hasDemo
  private notifyTimer: NodeJS.Timeout | null = null
  private clientCache: { sec: number; rows: ClientRow[]; thresholdMbps: number } | null = null
  private readonly imports = new Map<string, { name: string; cleanup?: string }>()
  private changedTimer: NodeJS.Timeout | null = null
  private layerCache: { at: number; layers: StatusDto['layers'] } | null = null

  private constructor(
    readonly options: ServiceOptions,
    readonly engine: EngineHost,
    readonly reader: Db,
    readonly ingest: IngestServer,
    readonly demo: DemoFeed,
  ) {
    super()
    this.overviewAt = overviewQuery(reader)
    this.seriesOf = seriesQuery(reader)
    this.clientRows = clientRowsQuery(reader)
    this.history = new ImportHistory(reader)
    this.alerts = alertQueries(reader)
    this.notifyTimer = setInterval(() => void this.notify(), NOTIFY_EVERY_MS)
    this.notifyTimer.unref()
    this.hasDemo = reader.prepare<[], { yes: number }>(
      `SELECT EXISTS (SELECT 1 FROM landing_payloads WHERE source = 'demo') AS yes`,
    )
    engine.on('committed', () => this.changed())
    engine.on('import-progress', (importId, p) => {
      const name = this.imports.get(importId)?.name ?? importId
      this.emit('push', { type: 'import:progress', progress: { importId, name, ...p } })
    })
  }

  static async start(options: ServiceOptions): Promise<VigiaService> {
    const engine = await EngineHost.start(options.dbPath)
    try {
      const reader = openDb(options.dbPath, { readonly: true })
      const ingestFrames = (frames: IncomingFrame[]) => engine.call('ingestFrames', frames)
      const ingest = await IngestServer.start({ ingestFrames }, options.ingest)
      const demo = new DemoFeed({ ingestFrames })
      const service = new VigiaService(options, engine, reader, ingest, demo)
      const empty = reader.prepare('SELECT NOT EXISTS (SELECT 1 FROM silver_events) AS empty').get() as {
        empty: number
      }
      if (options.demo === 'on' || (options.demo === 'auto' && empty.empty === 1)) demo.start()
      return service
    } catch (error) {
      await engine.stop()
      throw error
    }
  }

  async overview(at = Date.now()): Promise<Overview> {
    const settings = await this.engine.call('getSettings')
    return this.overviewAt(at, settings)
  }

  series(args: { from: number; to: number; server?: string }): Series {
    return this.seriesOf(args.from, args.to, args.server)
  }

  async clientPage(args: ApiArgs<'clients:page'> & { offset: number; limit: number }): Promise<ClientPage> {
    const at = args.at ?? Date.now()
    const sec = Math.floor(at / 1000)
    // Paging and re-sorting reuse the rows: 100,000 clients are computed once per second asked for, and in
    // live mode (T close to now) at most every few seconds; the page says which T it shows.
    const cached = this.clientCache
    const live = sec * 1000 > Date.now() - LIVE_SLACK_MS
    const fresh =
      cached && (cached.sec === sec || (live && sec >= cached.sec && sec - cached.sec < LIVE_REUSE_S))
    if (!fresh) {
      const { heavyThresholdMbps } = await this.engine.call('getSettings')
      this.clientCache = {
        sec,
        rows: this.clientRows(sec * 1000, heavyThresholdMbps),
        thresholdMbps: heavyThresholdMbps,
      }
    }
    const view = {
      sort: args.sort ?? { column: 'bps' as const, desc: true },
      search: args.search ?? '',
      heavyOnly: args.heavyOnly ?? false,
      server: args.server,
      planClass: args.planClass,
    }
    const rows = this.clientCache!
    const page = pageOf(rows.rows, view, args.offset, args.limit)
    return { at: rows.sec * 1000, thresholdMbps: rows.thresholdMbps, ...page }
  }

  /** All rows of a view, for export. */
  async clientRowsFor(args: ApiArgs<'clients:page'>): Promise<ClientRow[]> {
    const first = await this.clientPage({ ...args, offset: 0, limit: 1 })
    return (await this.clientPage({ ...args, at: first.at, offset: 0, limit: Math.max(first.total, 1) })).rows
  }

  /**
   * Starts importing a file in the engine worker; progress and the summary arrive as pushes. `cleanup` is
   * a file to delete afterwards (an upload's temporary copy).
   */
  startImport(path: string, options: { force?: boolean; name?: string; cleanup?: string } = {}): string {
    const importId = randomUUID()
    const name = options.name ?? basename(path)
    this.imports.set(importId, { name, cleanup: options.cleanup })
    void this.engine
      .call('importFile', path, { importId, force: options.force, name: options.name })
      .then((s) => {
        this.emit('push', {
          type: 'import:done',
          summary: {
            importId,
            name,
            status: s.status,
            format: s.format,
            records: s.records,
            accepted: s.accepted,
            duplicates: s.duplicates,
            quarantined: s.quarantined,
            durationMs: s.durationMs,
            message: s.message,
          },
        })
      })
      .catch((error: Error) => {
        this.emit('push', {
          type: 'import:done',
          summary: {
            importId,
            name,
            status: 'failed',
            format: null,
            records: 0,
            accepted: 0,
            duplicates: 0,
            quarantined: 0,
            durationMs: 0,
            message: error.message,
          },
        })
      })
      .finally(() => {
        const cleanup = this.imports.get(importId)?.cleanup
        this.imports.delete(importId)
        if (cleanup) void rm(cleanup, { force: true })
        this.changed()
      })
    return importId
  }

  cancelImport(importId: string): Promise<boolean> {
    return this.engine.call('cancelImport', importId)
  }

  importHistory(limit: number): ImportRecordDto[] {
    return this.history.list(limit).map((r) => ({
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
    }))
  }

  quarantine(args: { limit: number; beforeId?: number }) {
    return listQuarantine(this.reader, args)
  }

  async setDemo(on: boolean): Promise<StatusDto['demo']> {
    if (on) this.demo.start()
    else await this.demo.stop()
    return this.demo.status()
  }

  status(): StatusDto {
    return {
      mode: this.options.mode ?? 'headless',
      dbPath: this.options.dbPath,
      ingestUrl: this.ingest.url,
      connections: this.ingest.status(),
      demo: this.demo.status(),
      layers: this.layers(),
      hasDemoData: this.hasDemo.get()?.yes === 1,
    }
  }

  /** Shows the alerts due now as notifications (pushed: the host or the browser shows them). */
  async notify(now = Date.now()): Promise<void> {
    const firing = this.alerts.list(0).filter((a) => a.state === 'firing')
    const plan = planNotifications(firing.map(notifiable), now)
    for (const n of plan)
      this.emit('push', { type: 'notify', title: n.title, body: n.body, target: n.target })
    const ids = plan.flatMap((n) => n.alertIds)
    if (ids.length > 0) await this.engine.call('alertsNotified', ids).catch(() => undefined)
  }

  async stop(): Promise<void> {
    if (this.notifyTimer) clearInterval(this.notifyTimer)
    if (this.changedTimer) clearTimeout(this.changedTimer)
    await this.demo.stop()
    await this.ingest.close()
    this.reader.close()
    await this.engine.stop()
  }

  /** dbstat reads every page of the file: refreshed once a minute at most. */
  private layers(now = Date.now()): StatusDto['layers'] {
    if (!this.layerCache || now - this.layerCache.at > LAYERS_EVERY_MS) {
      this.layerCache = { at: now, layers: layerSizes(this.reader) }
    }
    return this.layerCache.layers
  }

  private changed(): void {
    if (this.changedTimer) return
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null
      this.emit('push', { type: 'data:changed' })
    }, CHANGED_EVERY_MS)
  }
}
