// Where the data lives and how much each layer of the pipeline takes on disk.
import type { StatusDto } from '../../../../shared/api'
import { Panel } from '../../components/Panel'
import { formatBytes, formatShare } from '../../lib/format'

/** The medallion layers in pipeline order; anything else the engine reports comes after them. */
const ORDER = ['landing', 'bronze', 'silver', 'gold']
const rank = (layer: string) => {
  const i = ORDER.indexOf(layer)
  return i === -1 ? ORDER.length : i
}

export function DatabasePanel({ status }: { status: StatusDto | undefined }) {
  const layers = [...(status?.layers ?? [])].sort((a, b) => rank(a.layer) - rank(b.layer))
  const total = layers.reduce((sum, l) => sum + l.bytes, 0)
  return (
    <Panel title="Database" id="ingest-database" loading={!status}>
      {status && (
        <>
          <p className="ingest-db-path">
            <span className="ingest-muted">File</span> <code data-testid="db-path">{status.dbPath}</code>
          </p>
          {layers.length === 0 ? (
            <p className="state state-empty">No layer sizes yet.</p>
          ) : (
            <table data-testid="layers-table">
              <thead>
                <tr>
                  <th scope="col">Layer</th>
                  <th scope="col" className="num">
                    Size
                  </th>
                  <th scope="col" className="num">
                    Share
                  </th>
                  <th scope="col" className="ingest-bar-col">
                    <span className="ingest-visually-hidden">Share of the database</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {layers.map((l) => (
                  <tr key={l.layer} data-testid="layer-row">
                    <td>{l.layer}</td>
                    <td className="num">{formatBytes(l.bytes)}</td>
                    <td className="num">{formatShare(total > 0 ? l.bytes / total : null)}</td>
                    <td className="ingest-bar-col">
                      <div className="bar" aria-hidden="true">
                        <span style={{ width: `${total > 0 ? (100 * l.bytes) / total : 0}%` }} />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td className="num">{formatBytes(total)}</td>
                  <td />
                  <td />
                </tr>
              </tfoot>
            </table>
          )}
          <p className="ingest-muted">Sizes are measured at most once a minute.</p>
        </>
      )}
    </Panel>
  )
}
