import { Panel } from '../../components/Panel'

export function AlertPage({ id }: { id: number }) {
  return <Panel title={`Alert ${id}`} loading />
}
