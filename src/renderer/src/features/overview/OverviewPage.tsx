import { Panel } from '../../components/Panel'

export function OverviewPage() {
  return <Panel title="OverviewPage" loading />
}
