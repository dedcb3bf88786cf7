// Every gold table, once: what a rebuild empties, what retention deletes and by which column, what tests and
// benchmarks compare. tables.test.ts holds it to the schema of a freshly migrated database.
import type { PipelineSettings } from '../../shared/settings'

/** The time bucket a row of a bucketed table belongs to: the leading column of its key. */
export interface GoldTime {
  column: 'sec' | 'minute'
  /** One step of the column in ms: a row's time is column × unitMs. */
  unitMs: number
  /** The retention setting whose days its rows are kept. */
  retention: keyof PipelineSettings['retentionDays']
}

interface GoldTableBase {
  name: string
  /** The primary key's columns, in order. */
  key: readonly string[]
}

export type GoldTable = GoldTableBase &
  (
    | { kind: 'buckets'; time: GoldTime }
    // 'state': the latest state per device, client or server, kept for ever. 'live': the live state for
    // "now" (gold/live-state.ts), which refillLiveState counts again from the others.
    | { kind: 'state' | 'live'; time: null }
  )

const seconds = (name: string, key: string[], retention: GoldTime['retention']): GoldTable => ({
  name,
  key: ['sec', ...key],
  kind: 'buckets',
  time: { column: 'sec', unitMs: 1000, retention },
})
const minutes = (name: string, key: string[], retention: GoldTime['retention']): GoldTable => ({
  name,
  key: ['minute', ...key],
  kind: 'buckets',
  time: { column: 'minute', unitMs: 60_000, retention },
})
const state = (name: string, key: string[], kind: 'state' | 'live' = 'state'): GoldTable => ({
  name,
  key,
  kind,
  time: null,
})

// Per client, usage per minute is as large as the per-second tables of one server: kept as long as they are.
// gold_device_minutes answers what the metrics ask silver at a past T: kept as long as silver.
export const GOLD_TABLES: readonly GoldTable[] = [
  seconds('gold_conn_second', ['server'], 'goldSeconds'),
  seconds('gold_usage_second', ['server'], 'goldSeconds'),
  seconds('gold_device_type_usage_second', ['device_type'], 'goldSeconds'),
  seconds('gold_flow_second', ['device', 'peer'], 'goldSeconds'),
  minutes('gold_client_usage_parts', ['client', 'server'], 'goldSeconds'),
  minutes('gold_client_minutes', ['client'], 'goldSeconds'),
  minutes('gold_conn_minute', ['server'], 'gold'),
  minutes('gold_usage_minute', ['server'], 'gold'),
  minutes('gold_device_minutes', ['device'], 'silver'),
  seconds('gold_connected_changes', ['server', 'device_type'], 'silver'),
  minutes('gold_connected_minutes', ['server', 'device_type'], 'silver'),
  state('gold_devices', ['device']),
  state('gold_clients', ['client']),
  state('gold_servers', ['server']),
  state('gold_live', ['id'], 'live'),
  state('gold_live_devices', ['last_sec', 'server', 'device_type'], 'live'),
  state('gold_live_connects', ['sec'], 'live'),
  state('gold_live_pairs', ['device', 'peer'], 'live'),
  state('gold_live_client_servers', ['client', 'server'], 'live'),
]

export const goldTableNames = (): string[] => GOLD_TABLES.map((t) => t.name)
