// One inventory row being added or edited, in place in the table. The inputs sit in their columns and
// belong to the row's form (the `form` attribute), so Enter in any of them saves.
import { useId, useState, type FormEvent } from 'react'
import type { ServerInventoryRow } from '../../../../shared/alerts'
import { draftOfRow, EMPTY_DRAFT, rowOf, validateRow, type InventoryDraft } from './inventory-draft'

export function InventoryRowForm({
  row,
  existing,
  onSave,
  onCancel,
}: {
  /** The row edited; none to add a new one. */
  row?: ServerInventoryRow
  existing: ReadonlySet<string>
  onSave: (row: ServerInventoryRow) => Promise<void>
  onCancel: () => void
}) {
  const formId = useId()
  const [draft, setDraft] = useState<InventoryDraft>(() => (row ? draftOfRow(row) : EMPTY_DRAFT))
  const [tried, setTried] = useState(false)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<string | null>(null)
  const errors = validateRow(draft, row ? null : existing)
  const shown = tried ? errors : {}
  const label = row ? `server ${row.server}` : 'the new server'

  const submit = (e: FormEvent) => {
    e.preventDefault()
    setTried(true)
    if (Object.keys(errors).length > 0) return
    setBusy(true)
    setFailure(null)
    onSave(rowOf(draft))
      .catch((error: Error) => setFailure(error.message))
      .finally(() => setBusy(false))
  }

  const field = (key: keyof InventoryDraft, name: string, type: 'text' | 'number' = 'text') => (
    <>
      <input
        form={formId}
        type={type}
        inputMode={type === 'number' ? 'decimal' : undefined}
        step={type === 'number' ? 'any' : undefined}
        value={draft[key]}
        onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
        aria-label={`${name} of ${label}`}
        aria-invalid={shown[key] !== undefined}
        aria-describedby={shown[key] ? `${formId}-${key}-error` : undefined}
        className="st-cell-input"
        data-testid={`inventory-input-${key}`}
        autoFocus={key === (row ? 'name' : 'server')}
      />
      {shown[key] && (
        <span id={`${formId}-${key}-error`} className="st-field-error">
          {shown[key]}
        </span>
      )}
    </>
  )

  return (
    <tr className="st-editing" data-testid="inventory-form-row">
      <td>{row ? <strong>{row.server}</strong> : field('server', 'Server id')}</td>
      <td>{field('name', 'Name')}</td>
      <td>{field('region', 'Region')}</td>
      <td className="num">{field('maxConnections', 'Max connections', 'number')}</td>
      <td className="num">{field('capacityMbps', 'Capacity in Mb/s', 'number')}</td>
      <td>
        <form
          id={formId}
          onSubmit={submit}
          noValidate
          aria-label={row ? `Edit ${label}` : 'Add a server'}
          className="st-row-actions"
        >
          <button type="submit" className="st-primary" disabled={busy} data-testid="inventory-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
          <button type="button" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </form>
        {failure && (
          <span className="st-field-error" role="alert">
            Could not save: {failure}
          </span>
        )}
      </td>
    </tr>
  )
}
