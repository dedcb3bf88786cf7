// The address device apps connect to, and what they need to know to send events to it.
import { useState } from 'react'
import type { StatusDto } from '../../../../shared/api'
import { Panel } from '../../components/Panel'

export function EndpointPanel({ status }: { status: StatusDto | undefined }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null)
  const copy = (url: string) =>
    navigator.clipboard.writeText(url).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    )
  return (
    <Panel title="Ingestion endpoint" id="ingest-endpoint" loading={!status}>
      {status && (
        <>
          <div className="ingest-url">
            <code data-testid="ingest-url">{status.ingestUrl}</code>
            <button
              type="button"
              onClick={() => void copy(status.ingestUrl)}
              aria-label="Copy the endpoint address"
            >
              Copy
            </button>
            <span className="ingest-muted" aria-live="polite">
              {copied === 'yes'
                ? 'Copied'
                : copied === 'failed'
                  ? 'Copy it by hand: the clipboard is not available'
                  : ''}
            </span>
          </div>
          <ol className="ingest-howto">
            <li>
              Open a WebSocket to this address (plain RFC 6455, text frames of JSON). On this machine no
              credentials are needed; from elsewhere, send the token as <code>Authorization: Bearer …</code>{' '}
              or <code>?token=…</code>.
            </li>
            <li>
              Send events of protocol v1: one object, a JSON array, NDJSON lines, or an envelope{' '}
              <code>{'{"seq": "b17", "events": [...]}'}</code>. 100 to 1,000 events per frame, at most 1 MiB.
            </li>
            <li>
              Keep each frame until its reply (<code>ack</code>) arrives, and resend unanswered frames after a
              reconnect: events are de-duplicated by <code>id</code>, so nothing counts twice.
            </li>
          </ol>
          <p className="ingest-muted">
            The full contract (fields, reject reasons, flow control) is in docs/protocol.md. To try it:{' '}
            <code>vigia simulate --url {status.ingestUrl}</code>
          </p>
        </>
      )}
    </Panel>
  )
}
