// The five answers at one time T, read from gold (and silver for state at T).
import type { Db } from '../db/open'
import type { Overview } from '../../shared/metrics'
import type { PipelineSettings } from '../../shared/settings'
import { asOf } from './as-of'
import { connectedDevicesQuery } from './connected-devices'
import { connectionsMetric } from './connections'
import { devicePairsMetric } from './device-pairs'
import { deviceTypesMetric } from './device-types'
import { distinctDevicesMetric } from './distinct-devices'
import { heavyClientsMetric } from './heavy-clients'
import { serverUtilisationMetric } from './server-utilisation'
import { throughputMetric } from './throughput'

export const TOP_PAIRS = 20

export function overviewQuery(db: Db) {
  const connectedDevices = connectedDevicesQuery(db)
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
      const connected = connectedDevices(tMs, settings.idleTimeoutMin * 60_000)
      return {
        at: tMs,
        connections: connections(sec, connected),
        distinctDevices: distinct(tMs, settings.distinctWindowMin),
        throughput: throughput(sec, connected),
        heavyClients: heavy(sec, connected, settings.heavyThresholdMbps),
        topPairs: pairs(sec, TOP_PAIRS),
        deviceTypes: deviceTypes(sec, connected),
        servers: servers(sec, connected, settings),
      }
    })()
  }
}
