// The server inventory: each access server's limits, added, edited and deleted in place, or imported from
// a CSV or JSON file picked or dropped on this panel (a drop here never reaches the window-wide event import).
import { useRef, useState, type DragEvent } from 'react'
import type { ServerInventoryRow } from '../../../../shared/alerts'
import { useApi } from '../../app/api-context'
import { Panel } from '../../components/Panel'
import { formatBitRate, formatCount } from '../../lib/format'
import { ImportOutcomeView, InventoryImportControls, type ImportOutcome } from './InventoryImport'
import { InventoryRowForm } from './InventoryRowForm'
import { useInventory } from './use-inventory'

/** The host takes at most this many characters of inventory text (the `inventory:import` argument limit). */
const MAX_TEXT = 1 << 20
const mbps = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 })

export function InventoryPanel() {
  const api = useApi()
  const inventory = useInventory()
  const rows = inventory.rows ?? []
  const [editing, setEditing] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  const [deleting, setDeleting] = useState<string | null>(null)
  const [actionError, setActionError] = useState<string | null>(null)
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null)
  const [dragging, setDragging] = useState(false)
  const depth = useRef(0)
  const existing = new Set(rows.map((r) => r.server))

  const save = async (row: ServerInventoryRow) => {
    inventory.setRows(await api.call('inventory:upsert', row))
    setEditing(null)
    setAdding(false)
  }

  const remove = (server: string) => {
    setActionError(null)
    api
      .call('inventory:delete', { server })
      .then(() => inventory.reload())
      .catch((e: Error) => setActionError(`Could not delete ${server}: ${e.message}`))
      .finally(() => setDeleting(null))
  }

  const importFile = async (file: File) => {
    setOutcome({ state: 'reading', name: file.name })
    try {
      const text = await file.text()
      if (text.length > MAX_TEXT) throw new Error(`the file is larger than ${MAX_TEXT / 1024} KiB of text`)
      const result = await api.call('inventory:import', { text })
      setOutcome({ state: 'done', name: file.name, ...result })
      if (result.saved > 0) await inventory.reload()
    } catch (e) {
      setOutcome({ state: 'failed', name: file.name, message: (e as Error).message })
    }
  }

  // Only file drags are taken; the window's DropZone never hears of them, so they are not imported as events.
  const hasFiles = (e: DragEvent) => e.dataTransfer.types.includes('Files')
  const drag = {
    onDragEnter: (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.stopPropagation()
      depth.current++
      setDragging(true)
    },
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      e.stopPropagation()
      e.dataTransfer.dropEffect = 'copy'
    },
    onDragLeave: (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.stopPropagation()
      depth.current = Math.max(0, depth.current - 1)
      if (depth.current === 0) setDragging(false)
    },
    onDrop: (e: DragEvent) => {
      const file = e.dataTransfer.files[0]
      if (!file) return
      e.preventDefault()
      e.stopPropagation()
      depth.current = 0
      setDragging(false)
      void importFile(file)
    },
  }

  return (
    <div className={`st-drop ${dragging ? 'st-drop-over' : ''}`} data-testid="inventory-drop" {...drag}>
      <Panel
        title="Server inventory"
        id="settings-inventory"
        loading={inventory.loading}
        error={inventory.rows ? undefined : inventory.error}
        actions={
          <button
            type="button"
            onClick={() => {
              setAdding(true)
              setEditing(null)
            }}
            disabled={adding || !inventory.rows}
            data-testid="inventory-add"
          >
            Add server
          </button>
        }
      >
        <InventoryImportControls busy={outcome?.state === 'reading'} onFile={(f) => void importFile(f)} />
        {outcome && <ImportOutcomeView outcome={outcome} />}
        {actionError && (
          <p className="state-error" role="alert">
            {actionError}
          </p>
        )}
        {rows.length === 0 && !adding ? (
          <p className="state state-empty" data-testid="inventory-empty">
            No server in the inventory: every server is measured against the default capacity below. Add one,
            or import a file.
          </p>
        ) : (
          <div className="st-scroll">
            <table className="st-table" data-testid="inventory-table">
              <thead>
                <tr>
                  <th scope="col">Server</th>
                  <th scope="col">Name</th>
                  <th scope="col">Region</th>
                  <th scope="col" className="num">
                    Max connections
                  </th>
                  <th scope="col" className="num">
                    Capacity (Mb/s)
                  </th>
                  <th scope="col">
                    <span className="st-sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {adding && (
                  <InventoryRowForm existing={existing} onSave={save} onCancel={() => setAdding(false)} />
                )}
                {rows.map((row) =>
                  editing === row.server ? (
                    <InventoryRowForm
                      key={row.server}
                      row={row}
                      existing={existing}
                      onSave={save}
                      onCancel={() => setEditing(null)}
                    />
                  ) : (
                    <tr key={row.server} data-testid="inventory-row" data-server={row.server}>
                      <td>
                        <strong>{row.server}</strong>
                      </td>
                      <td>{row.name ?? <span className="st-muted">–</span>}</td>
                      <td>{row.region ?? <span className="st-muted">–</span>}</td>
                      <td className="num">{formatCount(row.maxConnections)}</td>
                      <td className="num" title={formatBitRate(row.capacityMbps * 1e6)}>
                        {mbps.format(row.capacityMbps)}
                      </td>
                      <td>
                        {deleting === row.server ? (
                          <span className="st-row-actions">
                            <span>Delete {row.server}?</span>
                            <button
                              type="button"
                              className="st-danger"
                              onClick={() => remove(row.server)}
                              data-testid="inventory-delete-confirm"
                            >
                              Delete
                            </button>
                            <button type="button" onClick={() => setDeleting(null)}>
                              Keep
                            </button>
                          </span>
                        ) : (
                          <span className="st-row-actions">
                            <button
                              type="button"
                              onClick={() => {
                                setEditing(row.server)
                                setAdding(false)
                              }}
                              aria-label={`Edit ${row.server}`}
                              data-testid="inventory-edit"
                            >
                              Edit
                            </button>
                            <button
                              type="button"
                              onClick={() => setDeleting(row.server)}
                              aria-label={`Delete ${row.server}`}
                              data-testid="inventory-delete"
                            >
                              Delete
                            </button>
                          </span>
                        )}
                      </td>
                    </tr>
                  ),
                )}
              </tbody>
            </table>
          </div>
        )}
      </Panel>
    </div>
  )
}
