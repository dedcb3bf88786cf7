// Every import recorded in this database, newest first; read again whenever an import starts or ends.
import { useApi } from '../../app/api-context'
import { useImports } from '../../app/imports-context'
import { Panel } from '../../components/Panel'
import { useQuery } from '../../hooks/useQuery'
import { formatBytes, formatCount, formatTime } from '../../lib/format'
import { formatDuration } from '../../lib/duration'
import { StatusBadge } from './StatusBadge'

const HISTORY_LIMIT = 50

export function ImportHistoryTable() {
  const api = useApi()
  const { active, finished } = useImports()
  const key = `${finished[0]?.importId ?? ''}|${[...active.keys()].join(',')}`
  const history = useQuery(key, () => api.call('import:history', { limit: HISTORY_LIMIT }))
  const rows = history.data ?? []
  return (
    <Panel
      title={`Import history (last ${HISTORY_LIMIT})`}
      id="import-history"
      loading={history.loading}
      error={history.error}
      empty={rows.length === 0}
      emptyText="No file has been imported into this database yet."
    >
      <div className="import-scroll">
        <table data-testid="import-history">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">File</th>
              <th scope="col">Format</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Records
              </th>
              <th scope="col" className="num">
                Accepted
              </th>
              <th scope="col" className="num">
                Duplicates
              </th>
              <th scope="col" className="num">
                Quarantined
              </th>
              <th scope="col" className="num">
                Time
              </th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid="history-row" data-status={r.status}>
                <td>{formatTime(r.startedAt, true)}</td>
                <td className="import-clip" title={r.path}>
                  {r.path}
                </td>
                <td>{r.format}</td>
                <td className="num">{formatBytes(r.size)}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td className="num">{formatCount(r.records)}</td>
                <td className="num">{formatCount(r.accepted)}</td>
                <td className="num">{formatCount(r.duplicates)}</td>
                <td className={`num ${r.quarantined > 0 ? 'level-warn' : ''}`}>
                  {formatCount(r.quarantined)}
                </td>
                <td className="num">
                  {r.finishedAt === null ? '–' : formatDuration(r.finishedAt - r.startedAt)}
                </td>
                <td className="import-clip state-error" title={r.error ?? undefined}>
                  {r.error ?? ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  )
}
