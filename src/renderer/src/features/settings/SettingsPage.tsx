import { Panel } from '../../components/Panel'

export function SettingsPage() {
  return <Panel title="SettingsPage" loading />
}
