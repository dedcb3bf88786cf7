// The five answers at one time T, read from gold (and from silver for what changed after T).
import type { Db } from '../db/open'
import type { Overview } from '../../shared/metrics'
import type { PipelineSettings } from '../../shared/settings'
import { asOf } from './as-of'
import { connectedGroupsQuery } from './connected-devices'
import { connectionsMetric } from './connections'
import { devicePairsMetric } from './device-pairs'
import { deviceTypesMetric } from './device-types'
import { distinctDevicesMetric } from './distinct-devices'
import { heavyClientsMetric } from './heavy-clients'
import { serverUtilisationMetric } from './server-utilisation'
import { throughputMetric } from './throughput'

export const TOP_PAIRS = 20

export function overviewQuery(db: Db) {
  const connectedGroups = connectedGroupsQuery(db)
  const connections = connectionsMetric(db)
  const distinct = distinctDevicesMetric(db)
  const throughput = throughputMetric(db)
  const heavy = heavyClientsMetric(db)
  const pairs = devicePairsMetric(db)
  const deviceTypes = deviceTypesMetric(db)
  const servers = serverUtilisationMetric(db)

  return (at: number, settings: PipelineSettings): Overview => {
    const { tMs, sec } = asOf(at)
    // One read transaction so every figure comes from the same snapshot.
    return db.transaction(() => {
      const idleMs = settings.idleTimeoutMin * 60_000
      const connected = connectedGroups(tMs, idleMs)
      return {
        at: tMs,
        connections: connections(sec, connected),
        distinctDevices: distinct(tMs, settings.distinctWindowMin),
        throughput: throughput(sec, connected),
        heavyClients: heavy(sec, idleMs, settings.heavyThresholdMbps),
        topPairs: pairs(sec, TOP_PAIRS),
        deviceTypes: deviceTypes(sec, connected),
        servers: servers(sec, connected, settings),
      }
    })()
  }
}
