import { Panel } from '../../components/Panel'

export function IngestionPage() {
  return <Panel title="IngestionPage" loading />
}
