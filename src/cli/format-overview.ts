import type { Overview } from '../shared/metrics'
import { formatBitRate, formatIdleTimeout, formatShare } from '../shared/units'

/** The five answers as a short report for a terminal. */
export function formatOverview(o: Overview): string {
  const c = o.connections
  const t = o.throughput
  const h = o.heavyClients
  const lines = [
    `Vigia metrics as of ${new Date(o.at).toISOString()}`,
    '',
    `1. Connections: ${c.last60s.connects} connects and ${c.last60s.disconnects} disconnects in the last 60 s (${(c.last60s.connects / 60).toFixed(2)}/s and ${(c.last60s.disconnects / 60).toFixed(2)}/s); ${c.connectedDevices} devices connected (${formatIdleTimeout(c.idleTimeoutMin)})`,
    `2. Distinct devices with a connect in the last ${o.distinctDevices.windowMin} min: ${o.distinctDevices.count}`,
    `3. Throughput (${o.usageAt === o.at ? 'last 10 s' : `10 s to ${new Date(o.usageAt).toISOString()}, a minute behind: the reports covering it are in`}): ${formatBitRate(t.totalBps)} (down ${formatBitRate(t.downBps)}, up ${formatBitRate(t.upBps)}); provisioned ${formatBitRate(t.provisionedBps)}`,
    `4. Heavy clients (>= ${h.thresholdMbps} Mb/s over 5 min): ${h.heavyClients} of ${h.connectedClients} connected clients (${formatShare(h.heavyShare)}); high plans: ${formatShare(h.highPlanShare)} (low ${h.planClasses.low}, medium ${h.planClasses.medium}, high ${h.planClasses.high})`,
    `5. Top device pairs (last 60 s):`,
    ...(o.topPairs.length === 0
      ? ['   none']
      : o.topPairs.slice(0, 5).map((p) => `   ${p.device} -> ${p.peer}: ${formatBitRate(p.bps)}`)),
    '',
    'Servers:',
    ...(o.servers.length === 0
      ? ['   none seen yet']
      : o.servers.map(
          (s) =>
            `   ${s.server}${s.inInventory ? '' : ' (default capacity)'}: ${s.connectedDevices}/${s.maxConnections} devices (${formatShare(s.connectionUtilisation)}), ${formatBitRate(s.throughputBps)} of ${formatBitRate(s.capacityMbps * 1e6)} (${formatShare(s.throughputUtilisation)})`,
        )),
  ]
  return lines.join('\n')
}
