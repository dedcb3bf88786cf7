// The five answers at T and the charts of the selected range: live (the last 15 minutes, refreshed every
// second) or a fixed range whose figures are those at its end.
import { useMemo } from 'react'
import { useTime } from '../../app/time-context'
import { useDataLag } from '../../hooks/useDataLag'
import { Panel } from '../../components/Panel'
import { formatTime } from '../../lib/format'
import { ClientSharesPanel } from './ClientSharesPanel'
import { DeviceTypesPanel } from './DeviceTypesPanel'
import { OverviewFigures } from './OverviewFigures'
import { PageHeading } from '../../components/PageHeading'
import { SamplingProgress } from '../../components/SamplingProgress'
import { connectedLines, connectLines, serverThroughputLines, throughputLines } from '../../lib/series-lines'
import { TimeSeriesPanel } from '../../components/TimeSeriesPanel'
import { TopPairsPanel } from './TopPairsPanel'
import { useConnectedHistory } from '../../hooks/useConnectedHistory'
import { useOverviewData } from '../../hooks/useOverviewData'
import './overview.css'

export function OverviewPage() {
  const { live } = useTime()
  const query = useOverviewData()
  const history = useConnectedHistory()
  const data = query.data
  const { loading, error } = query
  const lag = useDataLag(data?.now.at, data?.now.newestAt)

  // The charts follow the figures at T and the series, not the trend's figures a minute before: those come
  // later, and drawing six charts again for them held the page's thread for a fifth of a second.
  const now = data?.now
  const series = data?.series
  const connects = useMemo(() => now && series && connectLines(now, series, live), [now, series, live])
  const throughput = useMemo(() => series && throughputLines(series), [series])
  const perServer = useMemo(() => series && serverThroughputLines(series), [series])
  const connected = useMemo(
    () => now && series && history.data && connectedLines(history.data, now, series.from),
    [now, series, history.data],
  )
  const at = data ? `at ${formatTime(data.now.at)}` : ''
  const answersAt = data?.now.at
  // The chart holds the figures' T once every time of the range has been asked.
  const connectedAt = history.data && history.data.length >= history.expected ? answersAt : undefined

  return (
    <div className="ov-page" data-testid="overview-page">
      <PageHeading title="Overview" live={live} at={data?.now.at} lag={lag} range={data?.series} />
      {data ? (
        <OverviewFigures now={data.now} previous={data.previous} />
      ) : (
        <Panel title="Headline figures" loading={loading} error={error} />
      )}
      {data && error && (
        <p className="state-error ov-stale" role="alert">
          Could not refresh: {error.message}. Showing the figures at {formatTime(data.now.at)}.
        </p>
      )}
      <div className="grid">
        <TimeSeriesPanel
          id="connections"
          title="Connects and disconnects per second"
          lines={connects}
          unit="perSecond"
          zoom={!live}
          loading={loading}
          error={error}
          emptyText="No connect or disconnect in this range."
          answersAt={answersAt}
        />
        <TimeSeriesPanel
          id="connected-devices"
          title="Connected devices"
          lines={connected}
          unit="count"
          zoom={!live}
          loading={loading || history.loading}
          error={error ?? history.error}
          actions={<SamplingProgress history={history} />}
          emptyText="No device connected in this range."
          answersAt={connectedAt}
        />
        <TimeSeriesPanel
          id="throughput"
          title="Throughput, down and up"
          lines={throughput}
          unit="bitrate"
          zoom={!live}
          loading={loading}
          error={error}
          emptyText="No usage reported in this range."
          answersAt={answersAt}
        />
        <TimeSeriesPanel
          id="server-throughput"
          title="Throughput per server"
          lines={perServer}
          unit="bitrate"
          zoom={!live}
          loading={loading}
          error={error}
          emptyText="No usage reported in this range."
          answersAt={answersAt}
        />
        <ClientSharesPanel
          heavy={data?.now.heavyClients}
          loading={loading}
          error={error}
          at={at}
          answersAt={answersAt}
        />
        <DeviceTypesPanel
          rows={data?.now.deviceTypes}
          loading={loading}
          error={error}
          at={at}
          answersAt={answersAt}
        />
        <TopPairsPanel
          pairs={data?.now.topPairs}
          loading={loading}
          error={error}
          at={at}
          answersAt={answersAt}
        />
      </div>
    </div>
  )
}
