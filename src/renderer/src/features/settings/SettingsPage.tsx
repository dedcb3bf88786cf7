// #/settings: what the alerts and the utilisation figures measure against: the server inventory and the
// thresholds; and how long each layer keeps its rows.
import { InventoryPanel } from './InventoryPanel'
import { RetentionPanel } from './RetentionPanel'
import { ThresholdsPanel } from './ThresholdsPanel'
import './settings.css'

export function SettingsPage() {
  return (
    <div className="st-page" data-testid="settings-page">
      <h1 className="st-title">Settings</h1>
      <InventoryPanel />
      <ThresholdsPanel />
      <RetentionPanel />
    </div>
  )
}
