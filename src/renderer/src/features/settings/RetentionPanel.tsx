// Retention per group of tables: how long it keeps rows, counted from when, the oldest row it keeps and
// what its next pass would delete. Shown in Settings and on the Ingestion page.
import type { RetentionGroupStatus } from '../../../../shared/api'
import { Panel } from '../../components/Panel'
import { formatCount, formatTime } from '../../lib/format'
import { useRetentionStatus } from './use-retention-status'
import './settings.css'

const countedFrom = (g: RetentionGroupStatus) =>
  g.countedFrom === 'arrival' ? 'arrival (now)' : 'newest event'

export function RetentionPanel() {
  const { status, error, loading } = useRetentionStatus()
  return (
    <Panel title="Retention" id="retention" loading={loading} error={error}>
      {status && (
        <>
          <p data-testid="retention-newest">
            Newest event: {status.newestEvent === null ? 'none yet' : formatTime(status.newestEvent, true)}.
            Silver and gold count their days back from it, so imported history is kept however old it is;
            landing, bronze, quarantine and duplicates count back from now, by arrival.
          </p>
          <table data-testid="retention-table">
            <thead>
              <tr>
                <th scope="col">Tables</th>
                <th scope="col">Layer</th>
                <th scope="col" className="num">
                  Days
                </th>
                <th scope="col">Counted from</th>
                <th scope="col">Oldest kept</th>
                <th scope="col" className="num">
                  Next pass deletes
                </th>
              </tr>
            </thead>
            <tbody>
              {status.groups.map((g) => (
                <tr key={g.label} data-testid="retention-row" data-setting={g.setting}>
                  <td title={g.tables.join(', ')}>{g.label}</td>
                  <td>{g.layer}</td>
                  <td className="num">
                    {formatCount(g.days)}{' '}
                    <span className="st-muted">
                      (<code>{g.setting}</code>)
                    </span>
                  </td>
                  <td>{countedFrom(g)}</td>
                  <td data-testid="retention-oldest">
                    {g.oldestKept === null ? '–' : formatTime(g.oldestKept, true)}
                  </td>
                  <td
                    className={`num${g.removable > 0 ? ' level-warn' : ''}`}
                    data-testid="retention-removable"
                  >
                    {formatCount(g.removable)} rows
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="st-muted">
            The pass runs when Vigia starts and every hour. A bronze record also goes with its landing
            payload. The days are the setting <code>retentionDays</code> (see docs/configuration.md).
          </p>
        </>
      )}
    </Panel>
  )
}
