import { Panel } from '../../components/Panel'

export function ServersPage() {
  return <Panel title="ServersPage" loading />
}
