// What became of each import finished since this window opened.
import type { ImportSummaryDto } from '../../../../shared/api'
import { useImports } from '../../app/imports-context'
import { Panel } from '../../components/Panel'
import { formatCount } from '../../lib/format'
import { formatDuration } from '../../lib/duration'
import { RetentionWarning } from './RetentionWarning'
import { StatusBadge } from './StatusBadge'

export function FinishedImports() {
  const { finished } = useImports()
  return (
    <Panel
      title="Finished imports"
      id="import-finished"
      empty={finished.length === 0}
      emptyText="No import has finished since this window opened; earlier ones are in the history."
    >
      <ul className="import-list">
        {finished.map((s) => (
          <ImportSummary key={s.importId} summary={s} />
        ))}
      </ul>
    </Panel>
  )
}

function ImportSummary({ summary: s }: { summary: ImportSummaryDto }) {
  return (
    <li
      className={`import-item import-summary status-${s.status}`}
      data-testid="import-summary"
      data-status={s.status}
      data-name={s.name}
    >
      <div className="import-item-head">
        <StatusBadge status={s.status} />
        <strong className="import-name" title={s.name}>
          {s.name}
        </strong>
        <span className="import-muted">
          {s.format ? `${s.format} · ` : ''}
          {formatDuration(s.durationMs)}
        </span>
      </div>
      <dl className="import-stats">
        <div>
          <dt>Records</dt>
          <dd data-testid="summary-records">{formatCount(s.records)}</dd>
        </div>
        <div>
          <dt>Accepted</dt>
          <dd data-testid="summary-accepted">{formatCount(s.accepted)}</dd>
        </div>
        <div>
          <dt>Duplicates</dt>
          <dd data-testid="summary-duplicates">{formatCount(s.duplicates)}</dd>
        </div>
        <div>
          <dt>Quarantined</dt>
          <dd data-testid="summary-quarantined" className={s.quarantined > 0 ? 'level-warn' : undefined}>
            {formatCount(s.quarantined)}
          </dd>
        </div>
      </dl>
      {s.status === 'skipped' ? (
        <p className="import-message" data-testid="summary-message" title={s.message ?? undefined}>
          Already imported: this content was imported completely before, so nothing was read. To read it
          again, tick “Import again even if already imported” and drop it again.
        </p>
      ) : (
        s.message && (
          <p className="import-message" data-testid="summary-message">
            {s.message}
          </p>
        )
      )}
      <RetentionWarning warning={s.warning} />
    </li>
  )
}
