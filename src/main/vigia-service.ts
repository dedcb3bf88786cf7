// Everything Vigia runs besides its window: the engine worker (the writer), the reader worker (the UI's
// reads), the ingestion endpoint and the demo feed. The desktop app and the headless `serve` mode both
// start this.
import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { rm } from 'node:fs/promises'
import { basename } from 'node:path'
import type { IncomingFrame } from '../pipeline/engine'
import { planNotifications, type NotifiableAlert } from '../pipeline/alerts/notification-plan'
import type {
  ApiArgs,
  ApiResults,
  ClientPage,
  ClientRow,
  ImportRecordDto,
  PushEvent,
  QuarantineRow,
  RetentionStatus,
  Series,
  StatusDto,
} from '../shared/api'
import type { AlertDto, ServerInventoryRow } from '../shared/alerts'
import type { PipelineSettings, SettingsPatch } from '../shared/settings'
import type { ConnectedSample, Overview } from '../shared/metrics'
import { mergeChanged, type Changed } from '../shared/event-span'
import { currentSecond } from '../shared/instant'
import type { SeriesStepMs } from '../shared/series-step'
import { DemoFeed } from './demo-feed'
import { EngineHost } from './engine-host'
import { IngestServer, type IngestServerOptions } from './ingest-server'
import { LOAD_WINDOW_MS } from './load-meters'
import { ReaderHost } from './reader-host'
import type { ClientPageArgs } from './reader-protocol'

export interface ServiceOptions {
  dbPath: string
  ingest: IngestServerOptions
  /** 'auto' starts the demo feed when the database holds no events yet. */
  demo: 'auto' | 'on' | 'off'
  mode?: StatusDto['mode']
  /** How long gold may trail silver (EngineHostOptions.goldLagMs). */
  goldLagMs?: number
}

// Pushes are throttled: the UI hears "something changed" a few times a second at most.
const CHANGED_EVERY_MS = 250
const NOTIFY_EVERY_MS = 10_000

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
  private notifyTimer: NodeJS.Timeout | null = null
  private readonly imports = new Map<string, { name: string; cleanup?: string }>()
  private changedTimer: NodeJS.Timeout | null = null
  /** What changed since the last push, merged. */
  private pending: Changed = null

  readonly alerts = {
    /** Firing first, then pending, then the most recent resolved ones. */
    list: (recent: number): Promise<AlertDto[]> => this.reader.call('alertsList', recent),
    /** The alert with its log and evidence, or null when there is no such alert. */
    detail: (id: number): Promise<ApiResults['alerts:detail'] | null> => this.reader.call('alertDetail', id),
  }

  private constructor(
    readonly options: ServiceOptions,
    readonly engine: EngineHost,
    readonly reader: ReaderHost,
    readonly ingest: IngestServer,
    readonly demo: DemoFeed,
    private currentSettings: PipelineSettings,
  ) {
    super()
    this.notifyTimer = setInterval(
      () =>
        void this.notify().catch((error: Error) =>
          console.error(`vigia: alert notifications failed, will retry: ${error.message}`),
        ),
      NOTIFY_EVERY_MS,
    )
    this.notifyTimer.unref()
    engine.on('committed', (span) => this.changed(span))
    engine.on('import-progress', (importId, p) => {
      const name = this.imports.get(importId)?.name ?? importId
      this.emit('push', { type: 'import:progress', progress: { importId, name, ...p } })
    })
  }

  static async start(options: ServiceOptions): Promise<VigiaService> {
    // The engine first: it creates and migrates the file the reader opens read-only.
    const engine = await EngineHost.start(options.dbPath, { goldLagMs: options.goldLagMs })
    let reader: ReaderHost | undefined
    try {
      reader = await ReaderHost.start(options.dbPath)
      const empty = await reader.call('silverEmpty')
      const ingestFrames = (frames: IncomingFrame[]) => engine.call('ingestFrames', frames)
      const ingest = await IngestServer.start({ ingestFrames }, options.ingest)
      const demo = new DemoFeed({ ingestFrames })
      const settings = await engine.call('getSettings')
      const service = new VigiaService(options, engine, reader, ingest, demo, settings)
      if (options.demo === 'on' || (options.demo === 'auto' && empty)) demo.start()
      return service
    } catch (error) {
      await reader?.stop()
      await engine.stop()
      throw error
    }
  }

  // Settings change only through this service: kept here, so that reads never queue behind the engine's writes.
  get settings(): PipelineSettings {
    return this.currentSettings
  }

  async updateSettings(patch: SettingsPatch): Promise<PipelineSettings> {
    this.currentSettings = await this.engine.call('updateSettings', patch)
    return this.currentSettings
  }

  overview(at = currentSecond(), settleUsage = false): Promise<Overview> {
    return this.reader.call('overview', at, this.currentSettings, settleUsage)
  }

  /** Connected devices at each of `times`, as the overview at each would count them. */
  connected(times: number[]): Promise<ConnectedSample[]> {
    return this.reader.call('connected', times, this.currentSettings)
  }

  series(args: { from: number; to: number; server?: string; stepMs?: SeriesStepMs }): Promise<Series> {
    return this.reader.call('series', args.from, args.to, args.server, args.stepMs)
  }

  /** A page of the heavy-user table; the reader keeps the rows for the next pages of the same T. */
  clientPage(args: ClientPageArgs): Promise<ClientPage> {
    return this.reader.call('clientPage', args, this.currentSettings.heavyThresholdMbps)
  }

  /** All rows of a view, for export. */
  clientRowsFor(args: ApiArgs<'clients:page'>): Promise<ClientRow[]> {
    return this.reader.call('clientRowsFor', args, this.currentSettings.heavyThresholdMbps)
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
            warning: s.warning,
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
            warning: null,
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

  importHistory(limit: number): Promise<ImportRecordDto[]> {
    return this.reader.call('importHistory', limit)
  }

  quarantine(args: { limit: number; beforeId?: number }): Promise<QuarantineRow[]> {
    return this.reader.call('quarantine', args)
  }

  inventory(): Promise<ServerInventoryRow[]> {
    return this.reader.call('inventory')
  }

  /** What retention keeps and what its next pass would delete, per group of tables. */
  retentionStatus(now = Date.now()): Promise<RetentionStatus> {
    return this.reader.call('retentionStatus', this.currentSettings.retentionDays, now)
  }

  async setDemo(on: boolean): Promise<StatusDto['demo']> {
    if (on) this.demo.start()
    else await this.demo.stop()
    return this.demo.status()
  }

  async status(): Promise<StatusDto> {
    const [layers, hasDemoData] = await Promise.all([
      this.reader.call('layers'),
      this.reader.call('hasDemoData'),
    ])
    return {
      mode: this.options.mode ?? 'headless',
      dbPath: this.options.dbPath,
      ingestUrl: this.ingest.url,
      connections: this.ingest.status(),
      engine: {
        busyShare: this.engine.busyShare(),
        slowestAckMs: this.ingest.slowestAckMs(),
        windowS: LOAD_WINDOW_MS / 1000,
      },
      demo: this.demo.status(),
      layers,
      hasDemoData,
    }
  }

  /** Shows the alerts due now as notifications (pushed: the host or the browser shows them). */
  async notify(now = Date.now()): Promise<void> {
    const firing = (await this.alerts.list(0)).filter((a) => a.state === 'firing')
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
    await this.reader.stop()
    await this.engine.stop()
  }

  /** Tells the UI, a few times a second at most, what changed (see `data:changed`); anything by default. */
  private changed(span?: Changed): void {
    this.pending = mergeChanged(this.pending, span)
    if (this.changedTimer) return
    this.changedTimer = setTimeout(() => {
      this.changedTimer = null
      const span = this.pending
      this.pending = null
      this.emit('push', span === undefined ? { type: 'data:changed' } : { type: 'data:changed', span })
    }, CHANGED_EVERY_MS)
  }
}
