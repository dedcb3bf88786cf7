// #/alerts: what needs attention now (firing, then pending) and what resolved lately, refreshed every few
// seconds, with acknowledge and silence on every open alert.
import type { AlertDto } from '../../../../shared/alerts'
import { Panel } from '../../components/Panel'
import { zoneName } from '../../lib/format'
import { AlertCard } from './AlertCard'
import { NotificationPermission } from './NotificationPermission'
import { RecentAlerts } from './RecentAlerts'
import { RECENT_ALERTS, useAlerts } from './use-alerts'
import './alerts.css'

export function AlertsPage() {
  const alerts = useAlerts()
  const all = alerts.data ?? []
  const firing = all.filter((a) => a.state === 'firing')
  const pending = all.filter((a) => a.state === 'pending')
  const resolved = all.filter((a) => a.state === 'resolved')
  // A failed refresh keeps the last answer on screen and says so; with nothing to show, the panels say it.
  const error = alerts.data ? undefined : alerts.error
  const panel = { loading: alerts.loading, error }

  return (
    <div className="al-page" data-testid="alerts-page">
      <div className="al-head">
        <h1>Alerts</h1>
        <p className="al-note">
          Since, fired and resolved are event times (when the traffic happened), in {zoneName()}.
        </p>
        <NotificationPermission />
      </div>
      {alerts.data && alerts.error && (
        <p className="state-error al-stale" role="alert">
          Could not refresh the alerts ({alerts.error.message}); showing the last ones read.
        </p>
      )}
      <Panel
        title={`Firing${alerts.data ? ` (${firing.length})` : ''}`}
        id="alerts-firing"
        {...panel}
        empty={firing.length === 0}
        emptyText="No alert is firing."
      >
        <AlertList alerts={firing} onChanged={alerts.refresh} />
      </Panel>
      <Panel
        title={`Pending${alerts.data ? ` (${pending.length})` : ''}`}
        id="alerts-pending"
        {...panel}
        empty={pending.length === 0}
        emptyText="No alert is pending. A condition is pending until it has held for its rule’s time; then it fires."
      >
        <AlertList alerts={pending} onChanged={alerts.refresh} />
      </Panel>
      <Panel
        title={`Recently resolved (last ${RECENT_ALERTS})`}
        id="alerts-recent"
        {...panel}
        empty={resolved.length === 0}
        emptyText="No alert has resolved yet."
      >
        <RecentAlerts alerts={resolved} />
      </Panel>
    </div>
  )
}

function AlertList({ alerts, onChanged }: { alerts: AlertDto[]; onChanged: () => void }) {
  return (
    <ul className="al-list">
      {alerts.map((a) => (
        <li key={a.id}>
          <AlertCard alert={a} onChanged={onChanged} />
        </li>
      ))}
    </ul>
  )
}
