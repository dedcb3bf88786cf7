import { Panel } from '../../components/Panel'

export function ImportPage() {
  return <Panel title="ImportPage" loading />
}
