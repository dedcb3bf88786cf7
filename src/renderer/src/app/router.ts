// Hash routes (#/servers/ap-01): they work the same from file:// in Electron and over HTTP.
import { useSyncExternalStore } from 'react'

export type Route =
  | { page: 'overview' }
  | { page: 'servers' }
  | { page: 'server'; server: string }
  | { page: 'clients' }
  | { page: 'import' }
  | { page: 'ingestion' }
  | { page: 'alerts' }
  | { page: 'alert'; id: number }
  | { page: 'settings' }

export function parseRoute(hash: string): Route {
  const [, page, arg] = hash.replace(/^#/, '').split('/')
  if (page === 'servers' && arg) return { page: 'server', server: decodeURIComponent(arg) }
  if (page === 'alerts' && arg && /^\d+$/.test(arg)) return { page: 'alert', id: Number(arg) }
  if (
    page === 'servers' ||
    page === 'clients' ||
    page === 'import' ||
    page === 'ingestion' ||
    page === 'alerts' ||
    page === 'settings'
  ) {
    return { page }
  }
  return { page: 'overview' }
}

export function hrefOf(route: Route): string {
  if (route.page === 'server') return `#/servers/${encodeURIComponent(route.server)}`
  if (route.page === 'alert') return `#/alerts/${route.id}`
  return `#/${route.page}`
}

const subscribe = (callback: () => void) => {
  window.addEventListener('hashchange', callback)
  return () => window.removeEventListener('hashchange', callback)
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => location.hash)
  return parseRoute(hash)
}
