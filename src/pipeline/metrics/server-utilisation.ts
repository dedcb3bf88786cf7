import type { Db } from '../db/open'
import type { ServerUtilisation } from '../../shared/metrics'
import type { PipelineSettings } from '../../shared/settings'
import { devicesPerServer, type ConnectedDevice, type ConnectedGroup } from './connected-devices'

export const DEFINITION =
  'Per-server utilisation: connected devices at T divided by max_connections, and throughput over (T - 60 s, T] ((bytes_down + bytes_up) that fall in it * 8 / 60 s) divided by capacity_mbps; both from the server inventory, with the default capacity settings for servers not in it.'

/** Usage bytes (down + up) per server over the seconds (from, to]. */
export function serverBytesQuery(db: Db) {
  const stmt = db.prepare<[number, number], { server: string; bytes: number }>(
    `SELECT server, sum(bytes_down + bytes_up) AS bytes FROM gold_usage_second WHERE sec > ? AND sec <= ? GROUP BY server`,
  )
  return (fromSec: number, toSec: number): Map<string, number> =>
    new Map(stmt.all(fromSec, toSec).map((r) => [r.server, r.bytes]))
}

export function serverUtilisationMetric(db: Db) {
  const usage = serverBytesQuery(db)
  // Servers first seen after T did not exist yet at T: the answer for a past T does not change later.
  const servers = db.prepare<
    [number],
    {
      server: string
      name: string | null
      region: string | null
      max_connections: number | null
      capacity_mbps: number | null
    }
  >(
    `SELECT server, name, region, max_connections, capacity_mbps FROM settings_servers
     UNION ALL
     SELECT server, NULL, NULL, NULL, NULL FROM gold_servers
     WHERE first_seen <= ? AND server NOT IN (SELECT server FROM settings_servers)`,
  )
  return (
    sec: number,
    connected: readonly (ConnectedDevice | ConnectedGroup)[],
    settings: PipelineSettings,
    /** The end of the throughput window: T, or for a live view a minute before it (overview.ts). */
    usageSec = sec,
  ): ServerUtilisation[] => {
    const bytes = usage(usageSec - 60, usageSec)
    const devices = devicesPerServer(connected)
    return servers
      .all(sec * 1000)
      .map((s) => {
        const maxConnections = s.max_connections ?? settings.defaultMaxConnections
        const capacityMbps = s.capacity_mbps ?? settings.defaultCapacityMbps
        const throughputBps = ((bytes.get(s.server) ?? 0) * 8) / 60
        const connectedDevices = devices.get(s.server) ?? 0
        return {
          server: s.server,
          name: s.name,
          region: s.region,
          inInventory: s.max_connections !== null,
          connectedDevices,
          maxConnections,
          connectionUtilisation: connectedDevices / maxConnections,
          throughputBps,
          capacityMbps,
          throughputUtilisation: throughputBps / (capacityMbps * 1e6),
        }
      })
      .sort((a, b) => a.server.localeCompare(b.server))
  }
}
