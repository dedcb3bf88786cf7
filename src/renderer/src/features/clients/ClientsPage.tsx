import { Panel } from '../../components/Panel'

export function ClientsPage() {
  return <Panel title="ClientsPage" loading />
}
