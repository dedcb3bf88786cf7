import type { Db } from '../db/open'

export const DEFINITION =
  'A device is connected at T when its latest connect or disconnect at or before T is a connect (a disconnect wins a tie at equal ts) and it has some event in (T - idle timeout, T]. A client is connected when one of its devices is.'

export interface ConnectedDevice {
  device: string
  server: string
  client: string
  device_type: string | null
  plan_mbps: number | null
}

/** Connected devices at T, with the server, client, type and plan of their latest connect. */
export function connectedDevicesQuery(db: Db) {
  const stmt = db.prepare<{ t: number; idle: number }, ConnectedDevice>(
    `SELECT s.device AS device, s.server AS server, s.client AS client, s.device_type AS device_type,
            s.plan_mbps AS plan_mbps
     FROM gold_devices d
     JOIN silver_events s ON s.id = (
       SELECT x.id FROM silver_events x
       WHERE x.device = d.device AND x.type IN ('connect', 'disconnect') AND x.ts <= :t
       ORDER BY x.ts DESC, x.type = 'disconnect' DESC, x.id DESC LIMIT 1)
     WHERE s.type = 'connect'
       AND EXISTS (SELECT 1 FROM silver_events a WHERE a.device = d.device AND a.ts > :t - :idle AND a.ts <= :t)`,
  )
  return (tMs: number, idleMs: number): ConnectedDevice[] => stmt.all({ t: tMs, idle: idleMs })
}
