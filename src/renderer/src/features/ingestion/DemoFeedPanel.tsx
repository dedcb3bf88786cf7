// The built-in simulator: on at a first start so the charts are not empty, off once real data flows.
import { useId, useState } from 'react'
import type { StatusDto } from '../../../../shared/api'
import { useApi } from '../../app/api-context'
import { useStatus } from '../../app/StatusContext'
import { Panel } from '../../components/Panel'
import { formatCount, formatTime } from '../../lib/format'

export function DemoFeedPanel({ status }: { status: StatusDto | undefined }) {
  const api = useApi()
  const { refresh } = useStatus()
  const labelId = useId()
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const demo = status?.demo

  const set = (on: boolean) => {
    setPending(true)
    setError(null)
    api
      .call('demo:set', { on })
      .then(refresh, (e: Error) => setError(e.message))
      .finally(() => setPending(false))
  }

  return (
    <Panel title="Demo feed" id="ingest-demo" loading={!status}>
      {demo && status && (
        <>
          <div className="ingest-switch-row">
            <button
              type="button"
              role="switch"
              aria-checked={demo.running}
              aria-labelledby={labelId}
              className={`ingest-switch ${demo.running ? 'on' : ''}`}
              disabled={pending}
              onClick={() => set(!demo.running)}
              data-testid="demo-switch"
            >
              <span className="ingest-switch-knob" />
            </button>
            <span id={labelId}>Demo feed {demo.running ? 'on' : 'off'}</span>
          </div>
          <p className="ingest-muted">
            A built-in simulator that sends realistic traffic through the same path as device apps, from the
            source <code>demo</code>. Turn it off when real device apps are connected: its events stay in the
            database and are marked as demo data.
          </p>
          <dl className="ingest-facts">
            <div>
              <dt>Rate</dt>
              <dd>{formatCount(demo.rate)} events/s</dd>
            </div>
            <div>
              <dt>Running since</dt>
              <dd>{demo.running && demo.since !== null ? formatTime(demo.since, true) : '–'}</dd>
            </div>
            <div>
              <dt>Events sent</dt>
              <dd data-testid="demo-events">{formatCount(demo.events)}</dd>
            </div>
            <div>
              <dt>Database holds demo data</dt>
              <dd>{status.hasDemoData ? 'Yes' : 'No'}</dd>
            </div>
          </dl>
          {error && (
            <p className="state-error" role="alert">
              Could not switch the demo feed: {error}
            </p>
          )}
        </>
      )}
    </Panel>
  )
}
