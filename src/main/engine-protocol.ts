// Messages between the engine host and its worker thread: one request map, typed end to end.
import type { FrameResult, IncomingFrame } from '../pipeline/engine'
import type { ImportProgress, ImportSummary } from '../pipeline/importers/import-file'
import type { LayerSize } from '../pipeline/retention'
import type { ServerInventoryRow } from '../shared/alerts'
import type { EventSpan } from '../shared/api'
import type { PipelineSettings, SettingsPatch } from '../shared/settings'

export interface EngineRequests {
  ingestFrames: { args: [frames: IncomingFrame[]]; result: FrameResult[] }
  importFile: {
    args: [path: string, options: { force?: boolean; importId: string; name?: string }]
    result: ImportSummary
  }
  cancelImport: { args: [importId: string]; result: boolean }
  /** Folds into gold everything it still owes; returns the events folded. */
  settleGold: { args: []; result: number }
  rebuild: { args: []; result: number | null }
  applyRetention: { args: []; result: Record<string, number> }
  layerSizes: { args: []; result: LayerSize[] }
  getSettings: { args: []; result: PipelineSettings }
  alertAck: { args: [id: number, who: string, comment: string]; result: boolean }
  alertSilence: { args: [id: number, minutes: number, who: string, comment: string]; result: boolean }
  alertsNotified: { args: [ids: number[]]; result: void }
  inventoryUpsert: { args: [rows: ServerInventoryRow[]]; result: void }
  inventoryDelete: { args: [server: string]; result: boolean }
  updateSettings: { args: [patch: SettingsPatch]; result: PipelineSettings }
}

export type EngineMethod = keyof EngineRequests

/**
 * How long gold may trail silver in the engine's worker (EngineOptions.goldLagMs; docs/pipeline.md, "When
 * gold is written"): an acknowledgement waits only for landing and silver, and gold folds many flushes at
 * once. The UI asks for the overview every 250 ms.
 */
export const DEFAULT_GOLD_LAG_MS = 200

/**
 * What the engine posts besides its replies. `committed`: something was committed; `span` as in the UI's
 * `data:changed` push (the event time of the events folded into gold, null for none, left out for anything).
 */
export type EngineEvent =
  | { kind: 'import-progress'; importId: string; progress: ImportProgress }
  | { kind: 'committed'; span?: EventSpan | null }
