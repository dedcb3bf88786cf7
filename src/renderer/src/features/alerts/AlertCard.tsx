// One alert as the engineer reads it: what, about which server or client, since when (event time), what
// people did about it, and the actions still open.
import type { AlertDto } from '../../../../shared/alerts'
import { hrefOf } from '../../app/router'
import { AlertActions } from './AlertActions'
import {
  formatWhen,
  isActive,
  RULE_LABELS,
  serverHref,
  serverOf,
  silencedUntil,
  STATE_LABELS,
} from './alert-text'

export function AlertCard({
  alert,
  onChanged,
  showDetailsLink = true,
}: {
  alert: AlertDto
  onChanged: () => void
  showDetailsLink?: boolean
}) {
  const silence = silencedUntil(alert)
  return (
    <article
      className={`al-card al-card-${alert.state}`}
      data-testid="alert-item"
      data-alert-id={alert.id}
      data-state={alert.state}
      data-rule={alert.rule}
      data-subject={alert.subject}
      aria-label={`${STATE_LABELS[alert.state]}: ${alert.summary}`}
    >
      <header className="al-card-head">
        <StateBadge state={alert.state} />
        <span className="al-rule">{RULE_LABELS[alert.rule]}</span>
        <Subject alert={alert} />
        {alert.historical && <HistoricalBadge />}
        {showDetailsLink && (
          <a
            className="al-details-link"
            href={hrefOf({ page: 'alert', id: alert.id })}
            aria-label={`Details of alert ${alert.id}: ${alert.summary}`}
            data-testid="alert-details-link"
          >
            Details
          </a>
        )}
      </header>
      <p className="al-summary" data-testid="alert-summary">
        {alert.summary}
      </p>
      <dl className="al-facts">
        <div>
          <dt>Since</dt>
          <dd data-testid="alert-since">{formatWhen(alert.since)}</dd>
        </div>
        {alert.firedAt !== null && (
          <div>
            <dt>Fired</dt>
            <dd data-testid="alert-fired">{formatWhen(alert.firedAt)}</dd>
          </div>
        )}
        {alert.resolvedAt !== null && (
          <div>
            <dt>{alert.state === 'cancelled' ? 'Cancelled' : 'Resolved'}</dt>
            <dd data-testid="alert-resolved">{formatWhen(alert.resolvedAt)}</dd>
          </div>
        )}
        {alert.notifyCount > 0 && alert.lastNotifiedAt !== null && (
          <div>
            <dt>Notified</dt>
            <dd>
              {alert.notifyCount === 1 ? 'once' : `${alert.notifyCount} times`}, last{' '}
              {formatWhen(alert.lastNotifiedAt)}
            </dd>
          </div>
        )}
      </dl>
      {alert.ackedAt !== null && (
        <p className="al-ack" data-testid="alert-ack">
          <span className="al-ack-mark" aria-hidden="true">
            ✓
          </span>{' '}
          Acknowledged by <strong>{alert.ackedBy}</strong> at {formatWhen(alert.ackedAt)}
          {alert.ackComment ? <>: “{alert.ackComment}”</> : null}
        </p>
      )}
      {silence !== null && isActive(alert) && (
        <p className="al-silenced" data-testid="alert-silenced">
          Silenced until {formatWhen(silence)}: no notification before then.
        </p>
      )}
      <AlertActions alert={alert} onChanged={onChanged} />
    </article>
  )
}

export function StateBadge({ state }: { state: AlertDto['state'] }) {
  return (
    <span className={`al-state al-state-${state}`} data-testid="alert-state">
      {STATE_LABELS[state]}
    </span>
  )
}

export function HistoricalBadge() {
  return (
    <span
      className="al-badge"
      data-testid="alert-historical"
      title="Produced by imported history: shown here, never sent as a notification"
    >
      historical
    </span>
  )
}

/** A server links to its page; a heavy user names its client and links to the server carrying it. */
export function Subject({ alert }: { alert: AlertDto }) {
  const server = serverOf(alert)
  if (alert.rule !== 'heavy-user') {
    return (
      <a className="al-subject" href={serverHref(alert.subject)} data-testid="alert-subject">
        {alert.subject}
      </a>
    )
  }
  return (
    <span className="al-subject" data-testid="alert-subject">
      {alert.subject}
      {server && (
        <>
          {' '}
          <span className="al-muted">on</span> <a href={serverHref(server)}>{server}</a>
        </>
      )}
    </span>
  )
}
