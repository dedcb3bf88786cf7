// Importing an inventory file: its text is read here, in the browser, and checked and saved by the host
// (`inventory:import`), the same in the desktop app and over the network. All rows or none are saved.
import { useId, type ChangeEvent } from 'react'

export type ImportOutcome =
  | { state: 'reading'; name: string }
  | { state: 'done'; name: string; saved: number; errors: string[] }
  | { state: 'failed'; name: string; message: string }

export function InventoryImportControls({ busy, onFile }: { busy: boolean; onFile: (file: File) => void }) {
  const fileId = useId()
  const picked = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0]
    // Cleared so that choosing the same file again, once fixed, is a new choice.
    e.target.value = ''
    if (file) onFile(file)
  }
  return (
    <div className="st-import">
      <input
        id={fileId}
        type="file"
        accept=".csv,.json,text/csv,application/json"
        className="st-file-input"
        onChange={picked}
        disabled={busy}
        data-testid="inventory-file-input"
      />
      <label htmlFor={fileId} className="st-choose" aria-disabled={busy}>
        Import CSV or JSON…
      </label>
      <span className="st-help">
        or drop the file on this panel. CSV header:{' '}
        <code>server,name,region,max_connections,capacity_mbps</code>; JSON: an array of the same fields.
        Every row is checked before any is saved.
      </span>
    </div>
  )
}

export function ImportOutcomeView({ outcome }: { outcome: ImportOutcome }) {
  if (outcome.state === 'reading') {
    return (
      <p className="st-import-result" aria-busy="true" data-testid="inventory-import-result">
        Importing {outcome.name}…
      </p>
    )
  }
  if (outcome.state === 'failed') {
    return (
      <p className="st-import-result state-error" role="alert" data-testid="inventory-import-result">
        Could not import {outcome.name}: {outcome.message}
      </p>
    )
  }
  if (outcome.errors.length === 0) {
    return (
      <p className="st-import-result level-ok" role="status" data-testid="inventory-import-result">
        {outcome.saved === 0
          ? `${outcome.name} holds no server: nothing was imported.`
          : `Imported ${outcome.saved} server${outcome.saved === 1 ? '' : 's'} from ${outcome.name}.`}
      </p>
    )
  }
  return (
    <div className="st-import-result st-import-errors" role="alert" data-testid="inventory-import-result">
      <p>
        Nothing was imported from {outcome.name}: {outcome.errors.length} row
        {outcome.errors.length === 1 ? ' has a problem' : 's have problems'}. Fix{' '}
        {outcome.errors.length === 1 ? 'it' : 'them'} and import the file again.
      </p>
      <ul data-testid="inventory-import-errors">
        {outcome.errors.map((error, i) => (
          <li key={i}>{error}</li>
        ))}
      </ul>
    </div>
  )
}
