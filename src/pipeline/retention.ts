// Each layer keeps its rows for a number of days: landing and bronze by the time they were received,
// silver and gold by event time (quarantine and duplicates by the time their record was received). Bronze rows go with their landing payload (lineage).
import type { Db } from './db/open'
import type { PipelineSettings } from '../shared/settings'
import { refillWindows } from './gold/live-state'

const DAY = 86_400_000

export function applyRetention(
  db: Db,
  days: PipelineSettings['retentionDays'],
  now: number,
): Record<string, number> {
  const before = (d: number) => now - d * DAY
  const deletes: [string, string, number][] = [
    ['bronze_records', 'DELETE FROM bronze_records WHERE received_at < ?', before(days.bronze)],
    ['landing_payloads', 'DELETE FROM landing_payloads WHERE received_at < ?', before(days.landing)],
    ['silver_events', 'DELETE FROM silver_events WHERE ts < ?', before(days.silver)],
    ['silver_quarantine', 'DELETE FROM silver_quarantine WHERE received_at < ?', before(days.silver)],
    ['silver_duplicates', 'DELETE FROM silver_duplicates WHERE received_at < ?', before(days.silver)],
    ['gold_conn_second', 'DELETE FROM gold_conn_second WHERE sec * 1000 < ?', before(days.goldSeconds)],
    ['gold_usage_second', 'DELETE FROM gold_usage_second WHERE sec * 1000 < ?', before(days.goldSeconds)],
    [
      'gold_client_usage_second',
      'DELETE FROM gold_client_usage_second WHERE sec * 1000 < ?',
      before(days.goldSeconds),
    ],
    [
      'gold_device_type_usage_second',
      'DELETE FROM gold_device_type_usage_second WHERE sec * 1000 < ?',
      before(days.goldSeconds),
    ],
    ['gold_flow_second', 'DELETE FROM gold_flow_second WHERE sec * 1000 < ?', before(days.goldSeconds)],
    // What the metrics ask silver at a past T, they ask this of the same T: kept as long as silver.
    ['gold_device_minutes', 'DELETE FROM gold_device_minutes WHERE minute * 60000 < ?', before(days.silver)],
    ['gold_conn_minute', 'DELETE FROM gold_conn_minute WHERE minute * 60000 < ?', before(days.gold)],
    ['gold_usage_minute', 'DELETE FROM gold_usage_minute WHERE minute * 60000 < ?', before(days.gold)],
    // Per client it is as large as the per-second tables of one server: kept as long as they are.
    [
      'gold_client_usage_minute',
      'DELETE FROM gold_client_usage_minute WHERE minute * 60000 < ?',
      before(days.goldSeconds),
    ],
  ]
  const deleted: Record<string, number> = {}
  db.transaction(() => {
    for (const [table, sql, cutoff] of deletes) deleted[table] = db.prepare(sql).run(cutoff).changes
    // The windows of the live state count seconds: they may have been among those just taken.
    if (deleted.gold_client_usage_second! > 0 || deleted.gold_flow_second! > 0) refillWindows(db)
  })()
  return deleted
}

export interface LayerSize {
  layer: 'landing' | 'bronze' | 'silver' | 'gold' | 'other'
  bytes: number
}

/** On-disk size per layer, from SQLite's dbstat (tables and their indexes). */
export function layerSizes(db: Db): LayerSize[] {
  const rows = db
    .prepare<[], { tbl: string; bytes: number }>(
      `SELECT coalesce(m.tbl_name, s.name) AS tbl, sum(s.pgsize) AS bytes
       FROM dbstat s LEFT JOIN sqlite_schema m ON m.name = s.name GROUP BY tbl`,
    )
    .all()
  const totals = new Map<LayerSize['layer'], number>()
  for (const { tbl, bytes } of rows) {
    const prefix = tbl.split('_')[0]
    const layer = (['landing', 'bronze', 'silver', 'gold'] as const).find((l) => l === prefix) ?? 'other'
    totals.set(layer, (totals.get(layer) ?? 0) + bytes)
  }
  return (['landing', 'bronze', 'silver', 'gold', 'other'] as const).map((layer) => ({
    layer,
    bytes: totals.get(layer) ?? 0,
  }))
}
