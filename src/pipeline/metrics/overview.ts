// The five answers at one time T, read from gold (and from silver for what changed after T). In a busy live
// feed the states (connected, distinct, heavy, pairs) are as of the newest second, a few seconds at most
// after T (statesSecondQuery); the rates and series are at T.
import type { Db } from '../db/open'
import type { Overview } from '../../shared/metrics'
import type { PipelineSettings } from '../../shared/settings'
import { asOf } from './as-of'
import { connectedGroupsQuery, idleMsOf } from './connected-devices'
import { connectionsMetric } from './connections'
import { devicePairsMetric } from './device-pairs'
import { deviceTypesMetric } from './device-types'
import { distinctDevicesMetric } from './distinct-devices'
import { heavyClientsMetric } from './heavy-clients'
import type { ClientsNow } from './live-heavy-cache'
import { liveNewestSecondQuery, statesSecondQuery } from './live'
import { serverUtilisationMetric } from './server-utilisation'
import { throughputMetric } from './throughput'

export const TOP_PAIRS = 20
/**
 * How far behind T a live view reads usage: a sample covers the time before its report, so the bytes of the
 * last seconds come with the reports after them (devices report every few seconds to a minute).
 */
export const USAGE_SETTLE_S = 60

/**
 * `clientsNow`: the clients' rows of the read transaction's gold, when the memory gold's thread shares holds
 * them (shared-clients.ts); null, or none, and they are read in SQL.
 */
export function overviewQuery(db: Db, clientsNow?: ClientsNow) {
  const connectedGroups = connectedGroupsQuery(db)
  const connections = connectionsMetric(db)
  const distinct = distinctDevicesMetric(db)
  const throughput = throughputMetric(db)
  const heavy = heavyClientsMetric(db, { clientsNow })
  const pairs = devicePairsMetric(db)
  const deviceTypes = deviceTypesMetric(db)
  const servers = serverUtilisationMetric(db)
  const statesSecond = statesSecondQuery(db)
  const newest = liveNewestSecondQuery(db)

  /** `settleUsage`: a live view, whose usage figures are read at T - USAGE_SETTLE_S. */
  return (at: number, settings: PipelineSettings, settleUsage = false): Overview => {
    const { tMs, sec } = asOf(at)
    const usageSec = settleUsage ? sec - USAGE_SETTLE_S : sec
    // One read transaction so every figure comes from the same snapshot.
    return db.transaction(() => {
      const idleMs = idleMsOf(settings.idleTimeoutMin)
      const statesSec = statesSecond(sec)
      const connected = connectedGroups(statesSec * 1000, idleMs)
      const newestSec = newest()
      return {
        at: tMs,
        statesAt: statesSec * 1000,
        newestAt: newestSec === null ? null : newestSec * 1000,
        usageAt: usageSec * 1000,
        connections: connections(sec, connected, settings.idleTimeoutMin),
        distinctDevices: distinct(statesSec * 1000, settings.distinctWindowMin),
        throughput: throughput(usageSec, connected),
        heavyClients: heavy(statesSec, idleMs, settings.heavyThresholdMbps),
        topPairs: pairs(statesSec, TOP_PAIRS),
        deviceTypes: deviceTypes(usageSec, connected),
        servers: servers(sec, connected, settings, usageSec),
      }
    })()
  }
}
