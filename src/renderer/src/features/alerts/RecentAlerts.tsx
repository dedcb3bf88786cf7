// Alerts that have resolved, newest first: what happened, when (event time), and who acknowledged it.
import type { AlertDto } from '../../../../shared/alerts'
import { hrefOf } from '../../app/router'
import { HistoricalBadge, Subject } from './AlertCard'
import { formatWhen, RULE_LABELS } from './alert-text'

export function RecentAlerts({ alerts }: { alerts: AlertDto[] }) {
  return (
    <div className="al-scroll">
      <table className="al-table" data-testid="recent-alerts">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Subject</th>
            <th scope="col">Summary</th>
            <th scope="col">Since</th>
            <th scope="col">Fired</th>
            <th scope="col">Resolved</th>
            <th scope="col">Acknowledged</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr
              key={a.id}
              data-testid="alert-item"
              data-alert-id={a.id}
              data-state={a.state}
              data-rule={a.rule}
            >
              <td>
                {RULE_LABELS[a.rule]} {a.historical && <HistoricalBadge />}
              </td>
              <td>
                <Subject alert={a} />
              </td>
              <td className="al-wrap">
                <a href={hrefOf({ page: 'alert', id: a.id })} data-testid="alert-details-link">
                  {a.summary}
                </a>
              </td>
              <td>{formatWhen(a.since)}</td>
              <td>{a.firedAt === null ? '–' : formatWhen(a.firedAt)}</td>
              <td>{a.resolvedAt === null ? '–' : formatWhen(a.resolvedAt)}</td>
              <td className="al-wrap" data-testid="alert-ack">
                {a.ackedAt === null ? (
                  <span className="al-muted">no</span>
                ) : (
                  <>
                    {a.ackedBy}, {formatWhen(a.ackedAt)}
                    {a.ackComment ? `: “${a.ackComment}”` : ''}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
