import { Panel } from '../../components/Panel'

export function ServerPage({ server }: { server: string }) {
  return <Panel title={server} loading />
}
