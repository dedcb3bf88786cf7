// The host's status (ingestion endpoint, device apps, demo feed), refreshed every few seconds.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react'
import type { StatusDto } from '../../../shared/api'
import { useApi } from './api-context'

const StatusContext = createContext<{
  status: StatusDto | undefined
  error: Error | undefined
  refresh: () => void
}>({
  status: undefined,
  error: undefined,
  refresh: () => {},
})
const STATUS_EVERY_MS = 2000

export function StatusProvider({ children }: { children: ReactNode }) {
  const api = useApi()
  const [status, setStatus] = useState<StatusDto>()
  const [error, setError] = useState<Error>()
  const refresh = useCallback(
    () =>
      void api.call('status:get', {}).then(
        (s) => {
          setStatus(s)
          setError(undefined)
        },
        (e: Error) => setError(e),
      ),
    [api],
  )
  useEffect(() => {
    refresh()
    const timer = setInterval(refresh, STATUS_EVERY_MS)
    return () => clearInterval(timer)
  }, [refresh])
  return <StatusContext.Provider value={{ status, error, refresh }}>{children}</StatusContext.Provider>
}

export const useStatus = () => useContext(StatusContext)
