import type { ImportRecordDto, ImportSummaryDto } from '../../../../shared/api'

type ImportStatus = ImportSummaryDto['status'] | ImportRecordDto['status']

const LABELS: Record<ImportStatus, string> = {
  running: 'Running',
  done: 'Done',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
  failed: 'Failed',
}

/** The outcome of an import, in words and in colour, so it reads without the colour too. */
export function StatusBadge({ status }: { status: ImportStatus }) {
  return (
    <span className={`import-status status-${status}`} data-testid="import-status">
      {LABELS[status]}
    </span>
  )
}
