// The heavy-user pages for a view at the time the page follows, through the Api.
import { useEffect, useState, useSyncExternalStore } from 'react'
import { useApi } from '../../app/api-context'
import { ClientPageStore, type ClientPagesSnapshot, type ClientQuery } from './client-page-store'

export interface ClientPages {
  snapshot: ClientPagesSnapshot
  setWanted: (firstRow: number, lastRow: number) => void
  retry: () => void
}

/**
 * In live mode the clock ticking refreshes the visible pages in place; a fixed time, like any change of
 * the view, starts over from the first page.
 */
export function useClientPages(query: ClientQuery, at: number, live: boolean): ClientPages {
  const api = useApi()
  const [store] = useState(
    () =>
      new ClientPageStore((q, t, offset, limit) => api.call('clients:page', { ...q, at: t, offset, limit })),
  )
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot)
  const key = JSON.stringify([query, live ? 'live' : at])
  useEffect(() => store.setQuery(query, key, at, live), [store, query, key, at, live])
  return { snapshot, setWanted: store.setWanted, retry: store.retry }
}
