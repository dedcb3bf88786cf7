// Messages between the service and its reader thread: every read the UI makes, one request map, typed end
// to end. The reader answers them in order, from its own read-only connection.
import type {
  ApiArgs,
  ApiResults,
  ClientPage,
  ClientRow,
  ClientView,
  ImportRecordDto,
  QuarantineRow,
  RetentionStatus,
  Series,
  StatusDto,
} from '../shared/api'
import type { SeriesStepMs } from '../shared/series-step'
import type { AlertDto, ServerInventoryRow } from '../shared/alerts'
import type { ConnectedSample, Overview } from '../shared/metrics'
import type { PipelineSettings } from '../shared/settings'

export type ClientPageArgs = ApiArgs<'clients:page'> & { offset: number; limit: number }

export interface ReaderRequests {
  overview: { args: [at: number, settings: PipelineSettings, settleUsage: boolean]; result: Overview }
  connected: { args: [times: number[], settings: PipelineSettings]; result: ConnectedSample[] }
  series: {
    args: [from: number, to: number, server: string | undefined, stepMs?: SeriesStepMs]
    result: Series
  }
  /** Rows are computed once per T and heavy threshold; pages and re-sorts reuse them. */
  clientPage: { args: [args: ClientPageArgs, thresholdMbps: number]; result: ClientPage }
  /** All rows of a view, for export. */
  clientRowsFor: { args: [view: ClientView, thresholdMbps: number]; result: ClientRow[] }
  importHistory: { args: [limit: number]; result: ImportRecordDto[] }
  quarantine: { args: [options: { limit: number; beforeId?: number }]; result: QuarantineRow[] }
  /** Firing first, then pending, then the `recent` most recent resolved ones. */
  alertsList: { args: [recent: number]; result: AlertDto[] }
  /** An alert with its log and evidence, or null when there is no such alert. */
  alertDetail: { args: [id: number]; result: ApiResults['alerts:detail'] | null }
  inventory: { args: []; result: ServerInventoryRow[] }
  /** On-disk size per layer, refreshed once a minute at most (dbstat reads every page of the file). */
  layers: { args: []; result: StatusDto['layers'] }
  hasDemoData: { args: []; result: boolean }
  retentionStatus: { args: [days: PipelineSettings['retentionDays'], now: number]; result: RetentionStatus }
  silverEmpty: { args: []; result: boolean }
}

/** What a reader worker is started with. */
export interface ReaderWorkerData {
  dbPath: string
  /**
   * Whether it reads the clients' rows gold's thread shares (shared-clients.ts): the reader of the pages
   * does; the connected-devices chart's reader, which never reads them, does not.
   */
  sharedClients?: boolean
}
