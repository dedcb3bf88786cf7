import type { Db } from '../db/open'
import type { DeviceTypeRow } from '../../shared/metrics'
import type { ConnectedGroup } from './connected-devices'

export const DEFINITION =
  "Throughput per device type: (bytes_down + bytes_up) * 8 / 10 s of the usage bytes that fall in (T - 10 s, T], each sample counted under the type of its device's latest connect at or before the sample's ts, in whatever order they arrived ('unknown' if none). Provisioned bandwidth per device type: the sum of plan_mbps of the connected devices of that type, each device's type and plan from its latest connect."

export function deviceTypesMetric(db: Db) {
  const stmt = db.prepare<[number, number], { device_type: string; bytes: number }>(
    `SELECT device_type, sum(bytes) AS bytes FROM gold_device_type_usage_second
     WHERE sec > ? AND sec <= ? GROUP BY device_type`,
  )
  return (sec: number, connected: readonly ConnectedGroup[]): DeviceTypeRow[] => {
    const rows = new Map<string, DeviceTypeRow>()
    const row = (deviceType: string) => {
      let r = rows.get(deviceType)
      if (!r) rows.set(deviceType, (r = { deviceType, bps: 0, provisionedBps: 0, connectedDevices: 0 }))
      return r
    }
    for (const r of stmt.all(sec - 10, sec)) row(r.device_type).bps = (r.bytes * 8) / 10
    for (const g of connected) {
      const r = row(g.deviceType ?? 'unknown')
      r.provisionedBps += g.planMbps * 1e6
      r.connectedDevices += g.devices
    }
    return [...rows.values()].sort((a, b) => b.bps - a.bps || a.deviceType.localeCompare(b.deviceType))
  }
}
