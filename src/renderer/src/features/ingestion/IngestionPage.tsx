// #/ingestion: where device apps send their events, who is sending now, the demo feed, and the database.
import { useStatus } from '../../app/StatusContext'
import { Figure } from '../../components/Panel'
import { engineLoadDetail, engineLoadWarning } from '../../lib/engine-load'
import { formatBytes, formatCount } from '../../lib/format'
import { RetentionPanel } from '../settings/RetentionPanel'
import { ConnectionsTable } from './ConnectionsTable'
import { DatabasePanel } from './DatabasePanel'
import { DemoFeedPanel } from './DemoFeedPanel'
import { EndpointPanel } from './EndpointPanel'
import './ingestion.css'

export function IngestionPage() {
  const { status, error } = useStatus()
  const connections = status?.connections ?? []
  const eventsPerSecond = connections.reduce((sum, c) => sum + c.eventsPerSecond, 0)
  const dbBytes = status?.layers.reduce((sum, l) => sum + l.bytes, 0) ?? 0
  const saturated = status
    ? engineLoadWarning(status.engine, connections.filter((c) => c.paused).length)
    : null
  return (
    <div className="ingest-page" data-testid="ingestion-page">
      <div className="figures">
        <Figure
          label="Device apps connected"
          value={status ? formatCount(connections.length) : '–'}
          testId="figure-connections"
        />
        <Figure
          label="Events/s from device apps"
          value={status ? formatCount(eventsPerSecond) : '–'}
          testId="figure-events-per-second"
        />
        <Figure
          label="Engine load"
          value={status ? `${Math.round(status.engine.busyShare * 100)} %` : '–'}
          detail={status ? engineLoadDetail(status.engine) : undefined}
          testId="figure-engine-load"
        />
        <Figure
          label="Demo feed"
          value={status ? (status.demo.running ? 'On' : 'Off') : '–'}
          detail={status?.demo.running ? `${formatCount(status.demo.rate)} events/s` : undefined}
          testId="figure-demo"
        />
        <Figure
          label="Database size"
          value={status ? formatBytes(dbBytes) : '–'}
          detail={status ? (status.mode === 'desktop' ? 'Desktop app' : 'Headless server') : undefined}
          testId="figure-db-size"
        />
      </div>
      {saturated && (
        <p className="ingest-saturated" role="status" data-testid="engine-saturated">
          {saturated}
        </p>
      )}
      <div className="grid">
        {error && (
          <p className="state state-error" role="alert">
            Cannot reach Vigia: {error.message}
          </p>
        )}
        <EndpointPanel status={status} />
        <DemoFeedPanel status={status} />
      </div>
      <ConnectionsTable status={status} />
      <DatabasePanel status={status} />
      <RetentionPanel />
    </div>
  )
}
