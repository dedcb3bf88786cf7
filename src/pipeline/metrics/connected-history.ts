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
  return (times: readonly number[], settings: PipelineSettings): ConnectedSample[] =>
    db.transaction(() =>
      times.map((at) => {
        const { tMs, sec } = asOf(at)
        const groups = connectedGroups(statesSecond(sec) * 1000, idleMsOf(settings.idleTimeoutMin))
        return {
          t: tMs,
          total: groups.reduce((sum, g) => sum + g.devices, 0),
          byServer: Object.fromEntries(devicesPerServer(groups)),
        }
      }),
    )()
}
