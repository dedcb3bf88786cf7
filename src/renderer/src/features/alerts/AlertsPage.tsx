import { Panel } from '../../components/Panel'

export function AlertsPage() {
  return <Panel title="AlertsPage" loading />
}
