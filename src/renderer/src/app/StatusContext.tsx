// The host's status (ingestion endpoint, device apps, demo feed), refreshed every few seconds.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react'
import type { StatusDto } from '../../../shared/api'
import { useApi } from './api-context'

const StatusContext = createContext<{ status: StatusDto | undefined; refresh: () => void }>({
  status: undefined,
  refresh: () => {},
})
const STATUS_EVERY_MS = 2000

export function StatusProvider({ children }: { children: ReactNode }) {
  const api = useApi()
  const [status, setStatus] = useState<StatusDto>()
  const refresh = useCallback(() => void api.call('status:get', {}).then(setStatus, () => undefined), [api])
  useEffect(() => {
    refresh()
    const timer = setInterval(refresh, STATUS_EVERY_MS)
    return () => clearInterval(timer)
  }, [refresh])
  return <StatusContext.Provider value={{ status, refresh }}>{children}</StatusContext.Provider>
}

export const useStatus = () => useContext(StatusContext)
