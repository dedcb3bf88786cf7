// What the metrics return: the DTOs shared by the engine, the CLI and the UI.

export interface SecondCount {
  /** Bucket end, epoch ms: the second (sec - 1000, sec]. */
  t: number
  connects: number
  disconnects: number
}

export interface ConnectionsMetric {
  perSecond: SecondCount[]
  last60s: { connects: number; disconnects: number }
  connectedDevices: number
  /** The idle timeout the connected devices were counted with, in minutes; null: none. */
  idleTimeoutMin: number | null
  byServer: { server: string; connects: number; disconnects: number; connectedDevices: number }[]
}

export interface ThroughputMetric {
  /** bit/s over the last 10 s. */
  totalBps: number
  downBps: number
  upBps: number
  byServer: { server: string; bps: number; downBps: number; upBps: number }[]
  /** bit/s per second over the last 15 minutes. */
  perSecond: { t: number; bps: number }[]
  /** Sum of the plans of connected devices, bit/s. */
  provisionedBps: number
}

export interface HeavyClientsMetric {
  thresholdMbps: number
  connectedClients: number
  heavyClients: number
  /** heavyClients / connectedClients; null when no client is connected. */
  heavyShare: number | null
  planClasses: { low: number; medium: number; high: number; unknown: number }
  highPlanShare: number | null
}

export interface DevicePair {
  device: string
  peer: string
  bps: number
}

export interface DeviceTypeRow {
  deviceType: string
  bps: number
  provisionedBps: number
  connectedDevices: number
}

export interface ServerUtilisation {
  server: string
  name: string | null
  region: string | null
  inInventory: boolean
  connectedDevices: number
  maxConnections: number
  connectionUtilisation: number
  /** bit/s over the last minute. */
  throughputBps: number
  capacityMbps: number
  throughputUtilisation: number
}

/** Connected devices at one time, in total and per server (servers with none may be left out). */
export interface ConnectedSample {
  t: number
  total: number
  byServer: Record<string, number>
}

export interface Overview {
  /** T, epoch ms rounded down to a whole second. */
  at: number
  /**
   * The time of the connected devices and clients, distinct devices, heavy share and top pairs: T, or in a
   * busy live feed the newest second in gold, at most 5 s after T (docs/metrics.md, Common rules).
   */
  statesAt: number
  /**
   * The end of the newest second gold holds events of (null when none): in live mode, figures for the time
   * after it are not in yet (a quiet network, or an engine at its capacity).
   */
  newestAt: number | null
  /**
   * The time of the usage figures (throughput, per-type and per-server rates, server throughput
   * utilisation): T, or for a live view T - 60 s, when the reports that cover the last minute are in
   * (docs/metrics.md, "Usage settles for a minute").
   */
  usageAt: number
  connections: ConnectionsMetric
  distinctDevices: { windowMin: number; count: number }
  throughput: ThroughputMetric
  heavyClients: HeavyClientsMetric
  topPairs: DevicePair[]
  deviceTypes: DeviceTypeRow[]
  servers: ServerUtilisation[]
}
