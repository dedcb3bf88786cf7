// Told before an import lands anything: which of the file's events the next retention pass would delete.
export function RetentionWarning({ warning }: { warning: string | null }) {
  if (!warning) return null
  return (
    <p className="import-message level-warn" role="status" data-testid="retention-warning">
      Retention: {warning} See Settings, Retention.
    </p>
  )
}
