// Connected devices at several times, in total and per server: the points of the connected-devices chart,
// which no series holds (a device counts while its latest connect stands and it was seen within the idle
// timeout). Each is the overview's own figure at that time (the same states second and the same query),
// without the rest of the overview, and all come from one read transaction.
import type { Db } from '../db/open'
import type { ConnectedSample } from '../../shared/metrics'
import type { PipelineSettings } from '../../shared/settings'
import { asOf } from './as-of'
import { connectedGroupsQuery, devicesPerServer, idleMsOf } from './connected-devices'
import { statesSecondQuery } from './live'

export function connectedHistoryQuery(db: Db) {
  const connectedGroups = connectedGroupsQuery(db)
  const statesSecond = statesSecondQuery(db)
  // No device is connected before the first event of any (a device's status and last event are at or after
  // its first_seen): a chart's times before the traffic began are answered without the query, which reads
  // every device twice (55 ms a time at 100,000 devices; the first_seen scan is one per request).
  const firstSeen = db.prepare<[], { ts: number | null }>('SELECT min(first_seen) AS ts FROM gold_devices')
  return (times: readonly number[], settings: PipelineSettings): ConnectedSample[] =>
    db.transaction(() => {
      const first = firstSeen.get()?.ts ?? null
      return times.map((at) => {
        const { tMs, sec } = asOf(at)
        const statesMs = statesSecond(sec) * 1000
        if (first === null || statesMs < first) return { t: tMs, total: 0, byServer: {} }
        const groups = connectedGroups(statesMs, idleMsOf(settings.idleTimeoutMin))
        return {
          t: tMs,
          total: groups.reduce((sum, g) => sum + g.devices, 0),
          byServer: Object.fromEntries(devicesPerServer(groups)),
        }
      })
    })()
}
