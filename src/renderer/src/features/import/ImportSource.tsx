// Where files come in: the drop area (files dropped anywhere in the window are imported, see DropZone), the
// file chooser, and the choice to import again a file whose content was already imported.
import { useId, type ChangeEvent } from 'react'
import { useImports } from '../../app/imports-context'
import { Panel } from '../../components/Panel'

export function ImportSource() {
  const { start, error, force, setForce } = useImports()
  const fileId = useId()
  const forceId = useId()

  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])]
    // Cleared so that choosing the same file again is a new choice.
    e.target.value = ''
    if (files.length > 0) void start(files, force)
  }

  return (
    <Panel title="Import files" id="import-source">
      <div className="drop-area" data-testid="drop-area">
        <p className="drop-area-title">Drop log files here, or anywhere in this window</p>
        <p className="drop-area-hint">
          NDJSON, CSV, JSON array or Parquet, each optionally gzip-compressed. The format is recognised from
          the content, not from the file name.
        </p>
        <div className="drop-area-actions">
          <input
            id={fileId}
            type="file"
            multiple
            className="file-input"
            onChange={picked}
            data-testid="file-input"
          />
          <label htmlFor={fileId} className="import-choose">
            Choose files…
          </label>
          <span className="force-option">
            <input
              id={forceId}
              type="checkbox"
              checked={force}
              onChange={(e) => setForce(e.target.checked)}
              data-testid="force-import"
            />
            <label htmlFor={forceId}>Import again even if already imported</label>
          </span>
        </div>
        {force && (
          <p className="drop-area-hint" data-testid="force-hint">
            Files imported before are read again: their events count as duplicates, never twice.
          </p>
        )}
      </div>
      {error && (
        <p className="state-error import-error" role="alert">
          Could not start the import: {error}
        </p>
      )}
    </Panel>
  )
}
