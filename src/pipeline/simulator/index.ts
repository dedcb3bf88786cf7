// The traffic simulator's public surface: in-process generators, the dataset writer and the live sender.
export {
  createSimulation,
  DEFAULT_START,
  DEFAULTS,
  type Simulation,
  type SimulationOptions,
} from './simulation'
export { seedFormatBatches, SEED_BATCH_KINDS, SEED_BATCH_INTERVAL_MS } from './seed-format'
export type { SeedBatch, SeedFormatOptions, SeedFormatRecord } from './seed-format'
export { BAD_KINDS, recordToElement, recordToLine } from './records'
export type { BadKind, SimEvent, SimRecord } from './records'
export type { ClientInfo, DeviceInfo, Inventory, ServerInfo } from './topology'
export { PLAN_SPEEDS_MBPS } from './profiles'
export { writeDataset, type DatasetOptions, type DatasetSummary } from './dataset'
export { runLive, type LiveRunOptions, type LiveRunSummary } from './live-run'
export { SenderStoppedError, WsSender, type SenderStats, type WsSenderOptions } from './ws-sender'
