// Test helper: answers that read the devices' last seen (db/device-seen.ts), near gold's newest second on
// `db`: every connected device at instants inside seconds (each device judged in SQL), and at whole seconds
// near gold's newest (the live state, and the devices with an event after T) the connected groups and the
// heavy share. Call the result inside the read transaction (and view) to compare.
import type { Db } from '../db/open'
import { connectedDevicesQuery, connectedGroupsQuery, type IdleMs } from '../metrics/connected-devices'
import { heavyClientsMetric } from '../metrics/heavy-clients'
import { liveNewestSecondQuery } from '../metrics/live'

export function lastSeenAnswers(db: Db, idle: IdleMs) {
  const n = liveNewestSecondQuery(db)()!
  const devicesAt = connectedDevicesQuery(db)
  const groupsAt = connectedGroupsQuery(db)
  const heavyAt = heavyClientsMetric(db, { liveCache: false })
  return () => ({
    devices: [-95_500, -30_250, -4_100, -1_001].map((ms) => devicesAt(n * 1000 + ms, idle)),
    groups: [-9, -4, -2, -1, 0].map((s) => groupsAt((n + s) * 1000, idle)),
    heavy: [-9, -4, -2, -1, 0].map((s) => heavyAt(n + s, idle, 1)),
  })
}
