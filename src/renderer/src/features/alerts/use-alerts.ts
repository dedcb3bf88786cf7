// Alerts read again every few seconds (they change as event-time minutes are judged), and at once after
// an action, keeping the last good answer on screen in between.
import { useCallback, useEffect, useState } from 'react'
import { useApi } from '../../app/api-context'
import { useQuery } from '../../hooks/useQuery'

const LIST_EVERY_MS = 3000
const DETAIL_EVERY_MS = 5000
/** How many resolved alerts the list shows below the open ones. */
export const RECENT_ALERTS = 50

function useTick(everyMs: number): [number, () => void] {
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), everyMs)
    return () => clearInterval(timer)
  }, [everyMs])
  const bump = useCallback(() => setTick((n) => n + 1), [])
  return [tick, bump]
}

export function useAlerts() {
  const api = useApi()
  const [tick, refresh] = useTick(LIST_EVERY_MS)
  const query = useQuery(`alerts|${tick}`, () => api.call('alerts:list', { recent: RECENT_ALERTS }))
  return { ...query, refresh }
}

export function useAlertDetail(id: number) {
  const api = useApi()
  const [tick, refresh] = useTick(DETAIL_EVERY_MS)
  const query = useQuery(`alert|${id}|${tick}`, () => api.call('alerts:detail', { id }))
  // While another alert's answer is still on screen, this one is loading.
  const data = query.data?.alert.id === id ? query.data : undefined
  return { data, error: query.error, loading: data === undefined && !query.error, refresh }
}
