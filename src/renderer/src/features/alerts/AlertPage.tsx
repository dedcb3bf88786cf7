// #/alerts/<id>: one alert, the evidence around it (its server's utilisation against the overload levels)
// and its history of who did what, when and why.
import { useApi } from '../../app/api-context'
import { hrefOf } from '../../app/router'
import { Panel } from '../../components/Panel'
import { useQuery } from '../../hooks/useQuery'
import { zoneName } from '../../lib/format'
import { AlertCard } from './AlertCard'
import { AlertLog } from './AlertLog'
import { RULE_LABELS, serverOf } from './alert-text'
import { EvidenceChart } from './EvidenceChart'
import { useAlertDetail } from './use-alerts'
import './alerts.css'

export function AlertPage({ id }: { id: number }) {
  const api = useApi()
  const detail = useAlertDetail(id)
  const settings = useQuery('settings', () => api.call('settings:get', {}))
  const levels = settings.data
    ? { raisePct: settings.data.alerts.overloadRaisePct, clearPct: settings.data.alerts.overloadClearPct }
    : null
  const data = detail.data
  const alert = data?.alert
  const server = alert ? serverOf(alert) : null
  const panel = { loading: detail.loading, error: data ? undefined : detail.error }

  return (
    <div className="al-page" data-testid="alert-page">
      <div className="al-head">
        <h1>
          <a href={hrefOf({ page: 'alerts' })} className="al-crumb">
            Alerts
          </a>{' '}
          /{' '}
          <span data-testid="alert-title">
            {alert ? `${RULE_LABELS[alert.rule]}: ${alert.subject}` : `Alert ${id}`}
          </span>
        </h1>
        <p className="al-note">Event times and actions in {zoneName()}.</p>
      </div>
      <Panel title={`Alert ${id}`} id="alert-detail" {...panel}>
        {alert && <AlertCard alert={alert} onChanged={detail.refresh} showDetailsLink={false} />}
      </Panel>
      <Panel
        title={
          server
            ? `Evidence: utilisation of ${server} around the alert, per minute`
            : 'Evidence: utilisation around the alert'
        }
        id="alert-evidence"
        {...panel}
        empty={!data || data.evidence.length === 0}
        emptyText={
          server
            ? `No utilisation sample of ${server} around this alert.`
            : 'This alert names no server, so there is no utilisation to show.'
        }
      >
        {settings.error && (
          <p className="state-error al-stale" role="alert">
            Could not read the thresholds ({settings.error.message}): the raise and clear levels are not
            drawn.
          </p>
        )}
        {alert && data && server && (
          <EvidenceChart alert={alert} samples={data.evidence} levels={levels} server={server} />
        )}
      </Panel>
      <Panel
        title="History"
        id="alert-history"
        {...panel}
        empty={!data || data.log.length === 0}
        emptyText="Nothing logged for this alert yet."
      >
        {data && <AlertLog entries={data.log} />}
      </Panel>
    </div>
  )
}
