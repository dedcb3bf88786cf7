// The one way out to the UI: every method the renderer may call, with its argument schema (validated at
// the boundary, in IPC and in the headless server alike) and its result type.
import { z } from 'zod'
import type { AlertDto, AlertLogEntry, AlertSample, ServerInventoryRow } from './alerts'
import type { ConnectionStatus } from './ingest'
import { instant } from './instant'
import { SERIES_STEPS_MS } from './series-step'
import type { ConnectedSample, Overview, ServerUtilisation } from './metrics'
import type { PipelineSettings } from './settings'

export const clientSortColumns = [
  'client',
  'server',
  'bps',
  'shareOfServer',
  'devices',
  'planMbps',
  'lastSeen',
] as const
export type ClientSortColumn = (typeof clientSortColumns)[number]

export const clientView = z.object({
  at: instant.optional(),
  sort: z
    .object({ column: z.enum(clientSortColumns), desc: z.boolean() })
    .default({ column: 'bps', desc: true }),
  search: z.string().max(200).default(''),
  server: z.string().max(200).optional(),
  planClass: z.enum(['low', 'medium', 'high', 'unknown']).optional(),
  heavyOnly: z.boolean().default(false),
})
export type ClientView = z.input<typeof clientView>

export const apiArgs = {
  // settleUsage: a live view; its usage figures are a minute behind T (Overview.usageAt).
  'metrics:overview': z.object({ at: instant.optional(), settleUsage: z.boolean().default(false) }),
  /** Connected devices at each of these times (the overview's figure, without the rest of it). */
  'metrics:connected': z.object({ times: z.array(instant).min(1).max(60) }),
  'metrics:series': z.object({
    from: instant,
    to: instant,
    server: z.string().max(200).optional(),
    /** The step of a longer range whose newest points are asked; by default the range's own. */
    stepMs: z.literal(SERIES_STEPS_MS).optional(),
  }),
  'clients:page': clientView.extend({
    offset: z.number().int().nonnegative().default(0),
    limit: z.number().int().positive().max(1000).default(100),
  }),
  'import:file': z.object({ path: z.string().min(1).max(4096), force: z.boolean().default(false) }),
  'import:cancel': z.object({ importId: z.string().max(100) }),
  'import:history': z.object({ limit: z.number().int().positive().max(1000).default(50) }),
  'quarantine:list': z.object({
    beforeId: z.number().int().positive().optional(),
    limit: z.number().int().positive().max(1000).default(100),
  }),
  'status:get': z.object({}),
  'demo:set': z.object({ on: z.boolean() }),
  'settings:get': z.object({}),
  'settings:update': z.object({
    heavyThresholdMbps: z.number().positive().optional(),
    idleTimeoutMin: z.number().positive().nullable().optional(),
    defaultMaxConnections: z.number().int().positive().optional(),
    defaultCapacityMbps: z.number().positive().optional(),
    alerts: z
      .object({
        overloadRaisePct: z.number().positive().max(1000),
        overloadClearPct: z.number().positive().max(1000),
        overloadForMin: z.number().nonnegative(),
        overloadClearForMin: z.number().nonnegative(),
        heavyForMin: z.number().nonnegative(),
        upgradeSharePct: z.number().positive().max(100),
        upgradeWindowDays: z.number().positive(),
        upgradeHorizonDays: z.number().positive(),
      })
      .partial()
      .optional(),
  }),
  'alerts:list': z.object({ recent: z.number().int().nonnegative().max(500).default(50) }),
  'alerts:detail': z.object({ id: z.number().int().positive() }),
  'alerts:ack': z.object({
    id: z.number().int().positive(),
    who: z.string().trim().min(1).max(100),
    comment: z.string().max(1000).default(''),
  }),
  'alerts:silence': z.object({
    id: z.number().int().positive(),
    minutes: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 60),
    who: z.string().trim().min(1).max(100),
    comment: z.string().max(1000).default(''),
  }),
  'inventory:list': z.object({}),
  'inventory:upsert': z.object({
    server: z.string().trim().min(1).max(200),
    name: z.string().max(200).nullable().default(null),
    region: z.string().max(200).nullable().default(null),
    maxConnections: z.number().int().positive(),
    capacityMbps: z.number().positive(),
  }),
  'inventory:delete': z.object({ server: z.string().min(1).max(200) }),
  /** The text of a CSV or JSON inventory file (read by the UI: it works the same in both hosts). */
  'inventory:import': z.object({ text: z.string().max(1 << 20) }),
  'retention:status': z.object({}),
} as const

export type ApiMethod = keyof typeof apiArgs

/** Electron channels besides the API methods: pushes to the window, and export (it opens a save dialog). */
export const PUSH_CHANNEL = 'vigia:push'
export const EXPORT_CHANNEL = 'vigia:export-clients'
export const API_METHODS = Object.keys(apiArgs) as ApiMethod[]
export type ApiArgs<M extends ApiMethod> = z.input<(typeof apiArgs)[M]>

export interface SeriesPoint {
  /** Bucket end, epoch ms. */
  t: number
  connects: number
  disconnects: number
  bps: number
  downBps: number
  upBps: number
}

export interface Series {
  from: number
  to: number
  stepMs: number
  points: SeriesPoint[]
  byServer: { server: string; points: { t: number; bps: number }[] }[]
}

export interface ClientRow {
  client: string
  /** The server carrying most of its traffic in the window (or of its latest connect). */
  server: string | null
  /** bit/s over the last 5 minutes. */
  bps: number
  /** Its share of that server's throughput over the same window. */
  shareOfServer: number | null
  devices: number
  planMbps: number | null
  planClass: 'low' | 'medium' | 'high' | 'unknown'
  lastSeen: number
  heavy: boolean
}

export interface ClientPage {
  at: number
  total: number
  rows: ClientRow[]
  thresholdMbps: number
}

export interface ImportRecordDto {
  id: number
  path: string
  size: number
  format: string
  startedAt: number
  finishedAt: number | null
  status: 'running' | 'done' | 'cancelled' | 'failed'
  records: number
  accepted: number
  duplicates: number
  quarantined: number
  error: string | null
}

export interface QuarantineRow {
  id: number
  source: string
  landingId: number
  line: number
  field: string | null
  reason: string
  raw: string
  receivedAt: number
}

export interface StatusDto {
  mode: 'desktop' | 'headless'
  dbPath: string
  ingestUrl: string
  connections: ConnectionStatus[]
  /**
   * The engine's load over the last `windowS` seconds: the share of it the engine was at work (0 to 1), and
   * the longest a device app's frame waited for its ack (null when none was acked). Busy nearly all the time,
   * Vigia is at its capacity and the dashboards fall behind the network.
   */
  engine: { busyShare: number; slowestAckMs: number | null; windowS: number }
  demo: { running: boolean; since: number | null; events: number; rate: number }
  layers: { layer: string; bytes: number }[]
  /** True when the database holds demo events, even with the feed off. */
  hasDemoData: boolean
}

/** One group of tables that retention trims by one setting and one time (docs/pipeline.md, Retention). */
export interface RetentionGroupStatus {
  label: string
  layer: 'landing' | 'bronze' | 'silver' | 'gold'
  tables: string[]
  setting: keyof PipelineSettings['retentionDays']
  days: number
  /** 'arrival': back from now, by the time the record was received; 'newest-event': back from the newest event, by event time. */
  countedFrom: 'arrival' | 'newest-event'
  /** Rows dated before this go at the next pass, epoch ms; null when nothing is counted from (no events). */
  cutoff: number | null
  /** The oldest time among the rows the next pass keeps, epoch ms; null when it keeps none. */
  oldestKept: number | null
  /** Rows the next pass would delete. */
  removable: number
}

export interface RetentionStatus {
  now: number
  /** The newest event time in silver, epoch ms; null when there is none. */
  newestEvent: number | null
  groups: RetentionGroupStatus[]
}

export interface ImportStarted {
  importId: string
}

export interface ApiResults {
  'metrics:overview': Overview
  'metrics:connected': ConnectedSample[]
  'metrics:series': Series
  'clients:page': ClientPage
  'import:file': ImportStarted
  'import:cancel': boolean
  'import:history': ImportRecordDto[]
  'quarantine:list': QuarantineRow[]
  'status:get': StatusDto
  'demo:set': StatusDto['demo']
  'settings:get': PipelineSettings
  'settings:update': PipelineSettings
  'alerts:list': AlertDto[]
  'alerts:detail': { alert: AlertDto; log: AlertLogEntry[]; evidence: AlertSample[] }
  'alerts:ack': boolean
  'alerts:silence': boolean
  'inventory:list': ServerInventoryRow[]
  'inventory:upsert': ServerInventoryRow[]
  'inventory:delete': boolean
  'inventory:import': { saved: number; errors: string[] }
  'retention:status': RetentionStatus
}

export interface ImportProgressDto {
  importId: string
  name: string
  bytesRead: number
  totalBytes: number
  records: number
  rate: number
  etaSeconds: number | null
  /** Set before any record is read when retention would delete some of the file's events at its next pass. */
  warning: string | null
}

export interface ImportSummaryDto {
  importId: string
  name: string
  status: 'done' | 'skipped' | 'cancelled' | 'failed'
  format: string | null
  records: number
  accepted: number
  duplicates: number
  quarantined: number
  durationMs: number
  message: string | null
  /** The retention warning given before the import ran, if any. */
  warning: string | null
}

/** Event time from `from` to `to`, both included (ms). */
export interface EventSpan {
  from: number
  to: number
}

/** Pushed by the host: a few per second at most, never one per event. */
export type PushEvent =
  | { type: 'import:progress'; progress: ImportProgressDto }
  | { type: 'import:done'; summary: ImportSummaryDto }
  /**
   * Something was committed. `span` is the event time (ms) of all the events folded into gold since the last
   * push (a usage sample from the start of the interval it covers): time series changed there only; null when
   * no event was folded; left out when anything may have changed (a rebuild, retention, settings).
   */
  | { type: 'data:changed'; span?: EventSpan | null }
  /** An alert to show as an OS notification (the desktop app shows it itself; a browser UI uses its own). */
  | { type: 'notify'; title: string; body: string; target: string }
  /** The desktop app's menu asks the UI to show a page. */
  | { type: 'navigate'; hash: string }

export type { ConnectedSample, Overview, ServerUtilisation }
