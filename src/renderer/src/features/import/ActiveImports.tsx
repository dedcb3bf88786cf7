// Imports in progress, one bar each, with what has been read and what is left.
import { useState } from 'react'
import type { ImportProgressDto } from '../../../../shared/api'
import { useImports } from '../../app/imports-context'
import { Panel } from '../../components/Panel'
import { formatBytes, formatCount } from '../../lib/format'
import { formatEta } from '../../lib/duration'
import { RetentionWarning } from './RetentionWarning'

export function ActiveImports() {
  const { active, cancel } = useImports()
  const [cancelling, setCancelling] = useState<ReadonlySet<string>>(new Set())
  const [error, setError] = useState<string | null>(null)
  const imports = [...active.values()]

  const cancelImport = (importId: string) => {
    setError(null)
    setCancelling((s) => new Set(s).add(importId))
    cancel(importId).catch((e: Error) => {
      setError(e.message)
      setCancelling((s) => {
        const next = new Set(s)
        next.delete(importId)
        return next
      })
    })
  }

  return (
    <Panel
      title="Importing"
      id="import-active"
      empty={imports.length === 0}
      emptyText="No import running. Drop files or choose them above."
    >
      {error && (
        <p className="state-error import-error" role="alert">
          Could not cancel: {error}
        </p>
      )}
      <ul className="import-list">
        {imports.map((p) => (
          <ImportProgress
            key={p.importId}
            progress={p}
            cancelling={cancelling.has(p.importId)}
            onCancel={() => cancelImport(p.importId)}
          />
        ))}
      </ul>
    </Panel>
  )
}

function ImportProgress({
  progress: p,
  cancelling,
  onCancel,
}: {
  progress: ImportProgressDto
  cancelling: boolean
  onCancel: () => void
}) {
  const share = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0
  return (
    <li className="import-item" data-testid="import-active" data-import-id={p.importId}>
      <div className="import-item-head">
        <strong className="import-name" title={p.name}>
          {p.name}
        </strong>
        <button
          type="button"
          onClick={onCancel}
          disabled={cancelling}
          aria-label={`Cancel the import of ${p.name}`}
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <progress
        max={1}
        value={share}
        aria-label={`Progress of ${p.name}`}
        aria-valuetext={`${Math.round(share * 100)} %`}
      />
      <dl className="import-stats">
        <div>
          <dt>Read</dt>
          <dd data-testid="progress-bytes">
            {formatBytes(p.bytesRead)} of {formatBytes(p.totalBytes)} ({Math.round(share * 100)} %)
          </dd>
        </div>
        <div>
          <dt>Records</dt>
          <dd data-testid="progress-records">{formatCount(p.records)}</dd>
        </div>
        <div>
          <dt>Speed</dt>
          <dd>{formatCount(p.rate)} records/s</dd>
        </div>
        <div>
          <dt>Time left</dt>
          <dd>{formatEta(p.etaSeconds)}</dd>
        </div>
      </dl>
      <RetentionWarning warning={p.warning} />
    </li>
  )
}
