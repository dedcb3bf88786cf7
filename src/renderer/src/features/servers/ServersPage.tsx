// Every access server at T: how full it is in connections and in throughput against its inventory limits.
import type { ServerUtilisation } from '../../../../shared/metrics'
import { useApi } from '../../app/api-context'
import { useTime } from '../../app/time-context'
import { useDataLag } from '../../hooks/useDataLag'
import { Figure, Panel } from '../../components/Panel'
import { formatBitRate, formatCount, formatShare, usageSpan } from '../../lib/format'
import { PageHeading } from '../../components/PageHeading'
import { usePacedQuery } from '../../hooks/usePacedQuery'
import { ServersTable } from './ServersTable'
import { CRIT_AT, levelOf, WARN_AT, worst } from './utilisation'
import './servers.css'

export function ServersPage() {
  const api = useApi()
  const { live } = useTime()
  const query = usePacedQuery('servers', ({ at }) => api.call('metrics:overview', { at, settleUsage: live }))
  const servers = query.data?.servers
  const lag = useDataLag(query.data?.at, query.data?.newestAt)
  return (
    <div className="ov-page" data-testid="servers-page">
      <PageHeading title="Servers" live={live} at={query.data?.at} lag={lag} />
      {servers && servers.length > 0 && query.data && <ServerTotals servers={servers} times={query.data} />}
      <Panel
        id="servers"
        title="Utilisation per server"
        loading={query.loading}
        error={query.error}
        empty={!servers || servers.length === 0}
        emptyText="No server in the inventory, and none seen in events up to this time."
        actions={
          <span className="srv-legend">
            <span className="level-warn">warning ≥ {WARN_AT * 100} %</span> ·{' '}
            <span className="level-crit">critical ≥ {CRIT_AT * 100} %</span>
          </span>
        }
      >
        {servers && <ServersTable servers={servers} />}
      </Panel>
    </div>
  )
}

function ServerTotals({
  servers,
  times,
}: {
  servers: ServerUtilisation[]
  times: { at: number; usageAt: number }
}) {
  const levels = servers.map((s) => worst(levelOf(s.connectionUtilisation), levelOf(s.throughputUtilisation)))
  const connected = servers.reduce((n, s) => n + s.connectedDevices, 0)
  const max = servers.reduce((n, s) => n + s.maxConnections, 0)
  const bps = servers.reduce((n, s) => n + s.throughputBps, 0)
  const capacity = servers.reduce((n, s) => n + s.capacityMbps * 1e6, 0)
  const outside = servers.filter((s) => !s.inInventory).length
  return (
    <div className="figures" data-testid="server-totals">
      <Figure
        testId="figure-servers"
        label="Servers"
        value={formatCount(servers.length)}
        detail={outside > 0 ? `${outside} not in the inventory (default capacity)` : 'all in the inventory'}
      />
      <Figure
        testId="figure-servers-warn"
        label="At warning (≥ 75 %)"
        value={formatCount(levels.filter((l) => l === 'warn').length)}
        detail="connections or throughput"
      />
      <Figure
        testId="figure-servers-crit"
        label="Critical (≥ 85 %)"
        value={formatCount(levels.filter((l) => l === 'crit').length)}
        detail="connections or throughput"
      />
      <Figure
        testId="figure-servers-connected"
        label="Connected devices"
        value={formatCount(connected)}
        detail={`of ${formatCount(max)} allowed · ${formatShare(max > 0 ? connected / max : null)}`}
      />
      <Figure
        testId="figure-servers-throughput"
        label={`Throughput (${usageSpan(times, 'last min')})`}
        value={formatBitRate(bps)}
        detail={`of ${formatBitRate(capacity)} capacity · ${formatShare(capacity > 0 ? bps / capacity : null)}`}
      />
    </div>
  )
}
