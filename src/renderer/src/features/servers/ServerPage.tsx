// One server: its figures at T against its limits, and its own charts over the selected range.
import { useMemo } from 'react'
import type { ServerUtilisation } from '../../../../shared/metrics'
import { hrefOf } from '../../app/router'
import { useTime } from '../../app/time-context'
import { useDataLag } from '../../hooks/useDataLag'
import { Figure, Panel } from '../../components/Panel'
import { formatBitRate, formatCount, formatShare, usageSpan } from '../../lib/format'
import { COLORS } from '../../lib/chart-options'
import { PageHeading } from '../../components/PageHeading'
import { SamplingProgress } from '../../components/SamplingProgress'
import { connectedLines, connectLines, peakOf, throughputLines, type Lines } from '../../lib/series-lines'
import { TimeSeriesPanel, type MarkLine } from '../../components/TimeSeriesPanel'
import { count, trend } from '../../lib/trend'
import { useConnectedHistory } from '../../hooks/useConnectedHistory'
import { useOverviewData, type OverviewData } from '../../hooks/useOverviewData'
import { DefaultCapacity } from './DefaultCapacity'
import { CRIT_AT, finite, LEVEL_TEXT, levelOf, WARN_AT } from './utilisation'
import './servers.css'

// How near the warning level the data must come for the limit lines to be drawn.
const NEAR = 0.8

export function ServerPage({ server }: { server: string }) {
  const { live } = useTime()
  const query = useOverviewData(server)
  const history = useConnectedHistory()
  const data = query.data
  const row = data?.now.servers.find((s) => s.server === server)
  const { loading, error } = query
  const lag = useDataLag(data?.now.at, data?.now.newestAt)

  const connects = useMemo(() => data && connectLines(data.now, data.series, false), [data])
  const throughput = useMemo(() => data && throughputLines(data.series), [data])
  const connected = useMemo(
    () => data && history.data && connectedLines(history.data, data.now, data.series.from, server),
    [data, history.data, server],
  )
  const capacityBps = row ? row.capacityMbps * 1e6 : 0
  const throughputMarks = useMemo(
    () => limitMarks(throughput, capacityBps, 'capacity'),
    [throughput, capacityBps],
  )
  const connectedMarks = useMemo(
    () => limitMarks(connected, row?.maxConnections ?? 0, 'max connections'),
    [connected, row?.maxConnections],
  )

  const title = (
    <>
      <a href={hrefOf({ page: 'servers' })} className="srv-crumb">
        Servers
      </a>{' '}
      / <span data-testid="server-title">{server}</span>
    </>
  )
  return (
    <div className="ov-page" data-testid="server-page">
      <PageHeading title={title} live={live} at={data?.now.at} lag={lag} range={data?.series}>
        {row && (row.name || row.region) && (
          <span className="srv-sub">{[row.name, row.region].filter(Boolean).join(' · ')}</span>
        )}
        {row && !row.inInventory && <DefaultCapacity />}
      </PageHeading>
      {data && row ? (
        <ServerFigures row={row} data={data} />
      ) : (
        <Panel
          title="Figures"
          loading={loading}
          error={error}
          empty={data !== undefined && !row}
          emptyText={`No server “${server}” in the inventory or in events up to this time.`}
        />
      )}
      <div className="grid">
        <TimeSeriesPanel
          id="server-connections"
          title="Connects and disconnects per second"
          lines={connects}
          unit="perSecond"
          zoom={!live}
          loading={loading}
          error={error}
          emptyText="No connect or disconnect on this server in this range."
        />
        <TimeSeriesPanel
          id="server-connected-devices"
          title="Connected devices"
          lines={connected}
          unit="count"
          zoom={!live}
          markLines={connectedMarks}
          loading={loading || history.loading}
          error={error ?? history.error}
          actions={<SamplingProgress history={history} />}
          emptyText="No device connected to this server in this range."
        />
        <TimeSeriesPanel
          id="server-throughput"
          title={
            row
              ? `Throughput, down and up (capacity ${formatBitRate(capacityBps)})`
              : 'Throughput, down and up'
          }
          lines={throughput}
          unit="bitrate"
          zoom={!live}
          markLines={throughputMarks}
          loading={loading}
          error={error}
          emptyText="No usage on this server in this range."
        />
      </div>
    </div>
  )
}

/** The limit and its warning and critical levels, drawn only once the data comes near them: far above the
 * data they would flatten it against the axis. */
function limitMarks(lines: Lines | undefined, limit: number, name: string): MarkLine[] | undefined {
  if (!lines || !(limit > 0) || peakOf(lines) < NEAR * WARN_AT * limit) return undefined
  return [
    { name: `${Math.round(WARN_AT * 100)} %`, value: WARN_AT * limit, color: COLORS.warn },
    { name: `${Math.round(CRIT_AT * 100)} %`, value: CRIT_AT * limit, color: COLORS.crit },
    { name, value: limit, color: COLORS.provisioned },
  ]
}

function ServerFigures({ row, data }: { row: ServerUtilisation; data: OverviewData }) {
  const { now, previous } = data
  // A server not listed a minute before was first seen since: none of its devices was connected then.
  const before = previous
    ? (previous.servers.find((s) => s.server === row.server)?.connectedDevices ?? 0)
    : undefined
  const conn = now.connections.byServer.find((s) => s.server === row.server)
  const tp = now.throughput.byServer.find((s) => s.server === row.server)
  const connLevel = levelOf(row.connectionUtilisation)
  const tpLevel = levelOf(row.throughputUtilisation)
  return (
    <div className="figures" data-testid="server-figures">
      <Figure
        testId="figure-server-connected"
        label="Connected devices / max"
        value={`${formatCount(row.connectedDevices)} / ${formatCount(row.maxConnections)}`}
        detail={trend(row.connectedDevices, before, count)}
      />
      <div className={`srv-fig srv-fig-${connLevel}`}>
        <Figure
          testId="figure-server-connection-utilisation"
          label="Connection utilisation"
          value={formatShare(finite(row.connectionUtilisation))}
          detail={LEVEL_TEXT[connLevel]}
        />
      </div>
      <Figure
        testId="figure-server-throughput"
        label={`Throughput (${usageSpan(now, 'last min')})`}
        value={formatBitRate(row.throughputBps)}
        detail={`of ${formatBitRate(row.capacityMbps * 1e6)} capacity`}
      />
      <div className={`srv-fig srv-fig-${tpLevel}`}>
        <Figure
          testId="figure-server-throughput-utilisation"
          label="Throughput utilisation"
          value={formatShare(finite(row.throughputUtilisation))}
          detail={LEVEL_TEXT[tpLevel]}
        />
      </div>
      <Figure
        testId="figure-server-throughput-now"
        label={`Throughput (${usageSpan(now, '10 s')})`}
        value={formatBitRate(tp?.bps ?? 0)}
        detail={`↓ ${formatBitRate(tp?.downBps ?? 0)} ↑ ${formatBitRate(tp?.upBps ?? 0)}`}
      />
      <Figure
        testId="figure-server-connects"
        label="Connects / disconnects (last 60 s)"
        value={`${formatCount(conn?.connects ?? 0)} / ${formatCount(conn?.disconnects ?? 0)}`}
        detail={`${((conn?.connects ?? 0) / 60).toFixed(2)}/s connects`}
      />
    </div>
  )
}
