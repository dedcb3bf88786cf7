// What retention keeps and what its next pass would delete, per group of tables: read-only, from the same
// rules the pass applies (retention.ts). Every figure is an index seek or a range count on the time column,
// but for the device minutes kept in gold_devices (a scan of the devices).
import type { Db } from './db/open'
import type { RetentionGroupStatus, RetentionStatus } from '../shared/api'
import type { PipelineSettings } from '../shared/settings'
import { RETENTION_GROUPS, columnBound, cutoffOf, newestEventQuery, timeRangeSql } from './retention'

export function retentionStatusQuery(db: Db) {
  const newestEvent = newestEventQuery(db)
  const groups = RETENTION_GROUPS.map((group) => ({
    group,
    tables: group.tables.map((t) => ({
      unitMs: t.unitMs,
      removable: db.prepare<[number], { n: number }>(
        `SELECT count(*) AS n FROM ${t.elsewhere?.rows ?? t.table} WHERE ${timeRangeSql(t, '<')}`,
      ),
      oldestKept: db.prepare<[number], { t: number | null }>(
        `SELECT min(${t.column}) AS t FROM ${t.elsewhere?.rows ?? t.table} WHERE ${timeRangeSql(t, '>=')}`,
      ),
    })),
  }))
  const landing = RETENTION_GROUPS.find((g) => g.setting === 'landing')!

  return (days: PipelineSettings['retentionDays'], now: number): RetentionStatus => {
    const newest = newestEvent()
    return {
      now,
      newestEvent: newest,
      groups: groups.map(({ group, tables }): RetentionGroupStatus => {
        let cutoff = cutoffOf(group, days, now, newest)
        // A bronze record goes with its landing payload, received at the same time: the later cutoff wins.
        if (group.layer === 'bronze' && cutoff !== null)
          cutoff = Math.max(cutoff, cutoffOf(landing, days, now, newest)!)
        let removable = 0
        let oldestKept: number | null = null
        for (const t of tables) {
          // With no cutoff nothing goes: every row is kept.
          const bound = cutoff === null ? Number.MIN_SAFE_INTEGER : columnBound(cutoff, t.unitMs)
          if (cutoff !== null) removable += t.removable.get(bound)?.n ?? 0
          const oldest = t.oldestKept.get(bound)?.t
          if (oldest !== null && oldest !== undefined) {
            const ms = oldest * t.unitMs
            oldestKept = oldestKept === null ? ms : Math.min(oldestKept, ms)
          }
        }
        return {
          label: group.label,
          layer: group.layer,
          tables: group.tables.map((t) => t.table),
          setting: group.setting,
          days: days[group.setting],
          countedFrom: group.countedFrom,
          cutoff,
          oldestKept,
          removable,
        }
      }),
    }
  }
}
