import { AlertPage } from '../features/alerts/AlertPage'
import { AlertsPage } from '../features/alerts/AlertsPage'
import { ClientsPage } from '../features/clients/ClientsPage'
import { SettingsPage } from '../features/settings/SettingsPage'
import { ImportPage } from '../features/import/ImportPage'
import { IngestionPage } from '../features/ingestion/IngestionPage'
import { OverviewPage } from '../features/overview/OverviewPage'
import { ServerPage } from '../features/servers/ServerPage'
import { ServersPage } from '../features/servers/ServersPage'
import { useEffect } from 'react'
import { useApi } from './api-context'
import { DemoBanner } from './DemoBanner'
import { useBrowserNotifications } from './notifications'
import { DropZone } from './DropZone'
import { hrefOf, useRoute, type Route } from './router'
import { useTheme } from './theme'
import { TimeBar } from './TimeBar'

const NAV: { route: Route; label: string }[] = [
  { route: { page: 'overview' }, label: 'Overview' },
  { route: { page: 'servers' }, label: 'Servers' },
  { route: { page: 'clients' }, label: 'Heavy users' },
  { route: { page: 'alerts' }, label: 'Alerts' },
  { route: { page: 'import' }, label: 'Import' },
  { route: { page: 'ingestion' }, label: 'Ingestion' },
  { route: { page: 'settings' }, label: 'Settings' },
]

export function App() {
  const route = useRoute()
  const api = useApi()
  // The desktop menu (View > Servers, File > Import) moves between pages.
  useEffect(
    () => api.onPush((event) => event.type === 'navigate' && void (location.hash = event.hash)),
    [api],
  )
  const { theme, toggle } = useTheme()
  const section = route.page === 'server' ? 'servers' : route.page === 'alert' ? 'alerts' : route.page
  useBrowserNotifications()
  return (
    <div className="app">
      <header className="top">
        <div className="brand">Vigia</div>
        <nav aria-label="Pages">
          {NAV.map(({ route: r, label }) => (
            <a key={label} href={hrefOf(r)} aria-current={section === r.page ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
        <TimeBar />
        <button
          type="button"
          className="theme"
          onClick={toggle}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <DemoBanner />
      <main>
        {route.page === 'overview' && <OverviewPage />}
        {route.page === 'servers' && <ServersPage />}
        {route.page === 'server' && <ServerPage server={route.server} />}
        {route.page === 'clients' && <ClientsPage />}
        {route.page === 'import' && <ImportPage />}
        {route.page === 'ingestion' && <IngestionPage />}
        {route.page === 'alerts' && <AlertsPage />}
        {route.page === 'alert' && <AlertPage id={route.id} />}
        {route.page === 'settings' && <SettingsPage />}
      </main>
      <DropZone />
    </div>
  )
}
