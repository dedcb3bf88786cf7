// Settings that change what the pipeline and the metrics compute. Stored as JSON in the settings table;
// anything missing takes the default below (docs/configuration.md).
import { IANAZone } from 'luxon'
import { z } from 'zod'

export const pipelineSettings = z.object({
  /**
   * A device with no event for this long is no longer counted as connected; null: never (status snapshots,
   * such as the seed records, which send no heartbeats).
   */
  idleTimeoutMin: z.number().positive().nullable().default(30),
  /** Window of metric 2, distinct devices with a connect. */
  distinctWindowMin: z.number().positive().default(10),
  /** A client at or above this throughput over the last 5 minutes is a heavy user. */
  heavyThresholdMbps: z.number().positive().default(50),
  /** IANA zone of the seed records' naive timestamps; empty means this machine's zone. */
  seedTimeZone: z
    .string()
    .refine(
      (zone) => zone === '' || IANAZone.isValidZone(zone),
      'must be an IANA time zone such as America/Sao_Paulo',
    )
    .default(''),
  /** Server id given to seed records, which carry none. */
  seedServer: z.string().min(1).default('seed'),
  /** Capacity assumed for servers missing from the inventory. */
  defaultMaxConnections: z.number().int().positive().default(1000),
  defaultCapacityMbps: z.number().positive().default(10_000),
  /** Alert rules (docs/alerts.md); utilisation levels in percent of capacity. */
  alerts: z
    .object({
      overloadRaisePct: z.number().positive().max(1000).default(85),
      overloadClearPct: z.number().positive().max(1000).default(75),
      overloadForMin: z.number().nonnegative().default(5),
      overloadClearForMin: z.number().nonnegative().default(5),
      heavyForMin: z.number().nonnegative().default(10),
      upgradeSharePct: z.number().positive().max(100).default(10),
      upgradeWindowDays: z.number().positive().default(7),
      upgradeHorizonDays: z.number().positive().default(30),
    })
    .refine(
      (a) => a.overloadClearPct <= a.overloadRaisePct,
      'overloadClearPct must not exceed overloadRaisePct',
    )
    .prefault({}),
  retentionDays: z
    .object({
      landing: z.number().positive().default(7),
      bronze: z.number().positive().default(7),
      silver: z.number().positive().default(30),
      gold: z.number().positive().default(400),
      /** Per-second gold buckets; per-minute buckets keep `gold` days. */
      goldSeconds: z.number().positive().default(7),
    })
    .prefault({}),
})
export type PipelineSettings = z.output<typeof pipelineSettings>

export type SettingsPatch = Partial<Omit<PipelineSettings, 'retentionDays' | 'alerts'>> & {
  retentionDays?: Partial<PipelineSettings['retentionDays']>
  alerts?: Partial<PipelineSettings['alerts']>
}

export const DEFAULT_SETTINGS: PipelineSettings = pipelineSettings.parse({})
